package io.chat.message.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.UserEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Keeps the local copy of accounts (usernames for @mentions) from user.events. */
@ApplicationScoped
public class UserEventConsumer {
    private static final Logger LOG = Logger.getLogger(UserEventConsumer.class);

    @Inject
    ObjectMapper json;
    @Inject
    Pool pool;

    @Incoming("user-events")
    public Uni<Void> onUserEvent(String value) {
        Envelope envelope;
        UserEvent user;
        try {
            envelope = json.readValue(value, Envelope.class);
            user = json.treeToValue(envelope.payload(), UserEvent.class);
        } catch (Exception e) {
            LOG.warnf("skipping malformed record on user.events: %s", e.getClass().getSimpleName());
            return Uni.createFrom().voidItem();
        }
        return switch (envelope.type()) {
            case EventTypes.USER_REGISTERED, EventTypes.USER_UPDATED -> user.username() == null ? Uni.createFrom().voidItem()
                    : pool.preparedQuery("insert into users (id, username, display_name) values ($1, $2, $3) "
                            + "on conflict (id) do update set username = excluded.username, display_name = excluded.display_name")
                            .execute(Tuple.of(user.userId(), user.username().toLowerCase(java.util.Locale.ROOT), user.displayName()))
                            .replaceWithVoid();
            // NOT COMPLETE (issue 4): erasure of the user's messages, memberships, drafts and reactions.
            case EventTypes.USER_DELETED -> pool.preparedQuery("update users set deleted = true where id = $1")
                    .execute(Tuple.of(user.userId())).replaceWithVoid();
            default -> Uni.createFrom().voidItem();
        };
    }
}

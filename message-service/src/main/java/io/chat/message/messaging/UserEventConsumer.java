package io.chat.message.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.UserEvent;
import io.chat.message.service.UserErasure;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Keeps the local copy of accounts (usernames for @mentions) from user.events, and erases a deleted user's data. */
@ApplicationScoped
public class UserEventConsumer {
    private static final Logger LOG = Logger.getLogger(UserEventConsumer.class);

    @Inject
    ObjectMapper json;
    @Inject
    Pool pool;
    @Inject
    UserErasure erasure;

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
        return handle(envelope.type(), user)
                // the database is briefly unreachable: try again, then log and move on rather than stop the consumer;
                // an error the database itself answered (PgException) would only repeat, so it is not retried
                .onFailure(e -> !(e instanceof io.vertx.pgclient.PgException)).retry().withBackOff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5)).atMost(5)
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf("user event %s not applied after retries: %s", envelope.type(), e.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Void> handle(String type, UserEvent user) {
        if (type == null || user == null || user.userId() == null) {
            return Uni.createFrom().voidItem();
        }
        return switch (type) {
            case EventTypes.USER_REGISTERED, EventTypes.USER_UPDATED -> user.username() == null ? Uni.createFrom().voidItem()
                    // events of different users sit on different partitions, so a name freed by one user can arrive
                    // after another user took it: the newest event wins the name. "not deleted" matches the unique
                    // index's predicate, so this is an index probe rather than a scan of every user
                    : pool.withTransaction(conn -> conn.preparedQuery(
                            "update users set username = null where username = $2 and not deleted and id <> $1")
                            .execute(Tuple.of(user.userId(), user.username().toLowerCase(java.util.Locale.ROOT)))
                            .flatMap(x -> conn.preparedQuery("insert into users (id, username, display_name) values ($1, $2, $3) "
                                    + "on conflict (id) do update set username = excluded.username, display_name = excluded.display_name")
                                    .execute(Tuple.of(user.userId(), user.username().toLowerCase(java.util.Locale.ROOT), user.displayName()))))
                            .replaceWithVoid();
            case EventTypes.USER_DELETED -> erasure.erase(user.userId());
            default -> Uni.createFrom().voidItem();
        };
    }
}

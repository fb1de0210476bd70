package io.chat.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Topics;
import io.chat.contracts.UserEvent;
import io.chat.notification.repository.PeopleRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** user.events: profiles (names, email, time zone) and erasure. */
@ApplicationScoped
public class UserEventsConsumer {
    private static final Logger LOG = Logger.getLogger(UserEventsConsumer.class);

    @Inject
    ObjectMapper json;
    @Inject
    PeopleRepository people;

    @Incoming("user-events")
    public Uni<Void> consume(String value) {
        return EventHandling.handle(json, Topics.USER_EVENTS, value, this::dispatch);
    }

    Uni<Void> dispatch(Envelope e) {
        return switch (e.type()) {
            case EventTypes.USER_REGISTERED, EventTypes.USER_UPDATED -> {
                UserEvent u = EventHandling.payload(json, e, UserEvent.class);
                yield u.userId() == null ? Uni.createFrom().voidItem()
                        : people.upsertUser(u.userId(), u.username(), u.displayName(), u.email(), u.timeZone());
            }
            case EventTypes.USER_DELETED -> {
                UserEvent u = EventHandling.payload(json, e, UserEvent.class);
                if (u.userId() == null) {
                    yield Uni.createFrom().voidItem();
                }
                LOG.infof("erasing notification data of a deleted user (event %s)", e.eventId());
                yield people.eraseUser(u.userId());
            }
            default -> Uni.createFrom().voidItem();
        };
    }
}

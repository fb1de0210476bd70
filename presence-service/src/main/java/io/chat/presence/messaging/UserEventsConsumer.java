package io.chat.presence.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.UserEvent;
import io.chat.presence.service.RoomIndexService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;

/** user.events: user.deleted erases everything presence knows about that user. */
@ApplicationScoped
public class UserEventsConsumer {
    private static final Logger LOG = Logger.getLogger(UserEventsConsumer.class);

    private final ObjectMapper json;
    private final RoomIndexService rooms;

    public UserEventsConsumer(ObjectMapper json, RoomIndexService rooms) {
        this.json = json;
        this.rooms = rooms;
    }

    @Incoming("user-events")
    public Uni<Void> consume(String value) {
        UserEvent user;
        try {
            Envelope envelope = json.readValue(value, Envelope.class);
            if (!EventTypes.USER_DELETED.equals(envelope.type()) || envelope.payload() == null) {
                return Uni.createFrom().voidItem();
            }
            user = json.treeToValue(envelope.payload(), UserEvent.class);
        } catch (Exception e) {
            LOG.warnf("skipping a malformed user event: %s", e.getClass().getSimpleName());
            return Uni.createFrom().voidItem();
        }
        if (user.userId() == null || user.userId().isBlank()) {
            return Uni.createFrom().voidItem();
        }
        return rooms.onUserDeleted(user.userId())
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(10)
                .onFailure().recoverWithItem(t -> {
                    LOG.errorf("erasure of a deleted user failed after retries: %s", t.toString());
                    return null;
                });
    }
}

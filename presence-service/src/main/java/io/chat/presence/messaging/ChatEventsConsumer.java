package io.chat.presence.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.RoomChanged;
import io.chat.presence.service.RoomIndexService;
import io.chat.presence.service.TypingService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;

/** chat.events: membership (who shares a room) and message.created (ends the sender's typing). */
@ApplicationScoped
public class ChatEventsConsumer {
    private static final Logger LOG = Logger.getLogger(ChatEventsConsumer.class);

    private final ObjectMapper json;
    private final RoomIndexService rooms;
    private final TypingService typing;

    public ChatEventsConsumer(ObjectMapper json, RoomIndexService rooms, TypingService typing) {
        this.json = json;
        this.rooms = rooms;
        this.typing = typing;
    }

    @Incoming("chat-events")
    public Uni<Void> consume(String value) {
        Uni<Void> work;
        String type;
        try {
            Envelope envelope = json.readValue(value, Envelope.class);
            type = envelope.type();
            if (type == null || envelope.payload() == null) {
                return Uni.createFrom().voidItem();
            }
            work = switch (type) {
                case EventTypes.ROOM_CREATED, EventTypes.ROOM_UPDATED, EventTypes.MEMBER_JOINED, EventTypes.MEMBER_LEFT ->
                        rooms.onRoomChanged(json.treeToValue(envelope.payload(), RoomChanged.class));
                case EventTypes.MESSAGE_CREATED -> {
                    MessageEvent m = json.treeToValue(envelope.payload(), MessageEvent.class);
                    yield m.room() == null || m.sender() == null ? Uni.createFrom().voidItem()
                            : typing.stop(m.room(), m.sender(), "message").flatMap(cs -> Uni.createFrom().completionStage(cs));
                }
                default -> Uni.createFrom().voidItem();
            };
        } catch (Exception e) {
            LOG.warnf("skipping a malformed chat event: %s", e.getClass().getSimpleName());
            return Uni.createFrom().voidItem();
        }
        return work.onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(5)
                .onFailure().recoverWithItem(t -> {
                    LOG.errorf("dropping a %s event after retries: %s", type, t.toString());
                    return null;
                });
    }
}

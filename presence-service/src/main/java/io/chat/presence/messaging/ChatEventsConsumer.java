package io.chat.presence.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.RoomChanged;
import io.chat.presence.repository.TypingKey;
import io.chat.presence.service.RoomIndexService;
import io.chat.presence.service.TypingService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * chat.events, a poll at a time: membership (who shares a room), applied in order, and message.created, which ends
 * the sender's typing. A poll's senders cost one Redis round trip together: one per message was presence-service's
 * largest cost under load, though most senders were not typing.
 */
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
    public Uni<Void> consume(List<String> values) {
        List<Supplier<Uni<Void>>> steps = new ArrayList<>();
        Set<TypingKey> senders = new LinkedHashSet<>();
        for (String value : values) {
            try {
                Envelope envelope = json.readValue(value, Envelope.class);
                String type = envelope.type();
                if (type == null || envelope.payload() == null) {
                    continue;
                }
                switch (type) {
                    case EventTypes.ROOM_CREATED, EventTypes.ROOM_UPDATED, EventTypes.MEMBER_JOINED, EventTypes.MEMBER_LEFT -> {
                        RoomChanged changed = json.treeToValue(envelope.payload(), RoomChanged.class);
                        steps.add(() -> retried("a " + type + " event", rooms.onRoomChanged(changed)));
                    }
                    case EventTypes.MESSAGE_CREATED -> {
                        // only the room and the sender: mapping the whole message (text, mentions) cost more than the rest
                        String room = envelope.payload().path("room").textValue();
                        String sender = envelope.payload().path("sender").textValue();
                        if (room != null && sender != null) {
                            senders.add(new TypingKey(room, sender));
                        }
                    }
                    default -> { }
                }
            } catch (Exception e) {
                LOG.warnf("skipping a malformed chat event: %s", e.getClass().getSimpleName());
            }
        }
        // typing does not depend on membership: the stops go first, so a membership change that is retried does not
        // hold them up
        if (!senders.isEmpty()) {
            steps.add(0, () -> typingStops(senders));
        }
        return switch (steps.size()) {
            case 0 -> Uni.createFrom().voidItem();
            case 1 -> steps.get(0).get();
            default -> Multi.createFrom().iterable(steps).onItem().transformToUniAndConcatenate(Supplier::get)
                    .collect().last().replaceWithVoid();
        };
    }

    /**
     * Only the Redis call is retried: once it has answered, the states it ended are gone, so a retry after a failed
     * publish would find nothing to stop and publish nothing. A stop that could not be published is logged (the
     * message itself, which the room receives, shows that its sender stopped typing).
     */
    private Uni<Void> typingStops(Set<TypingKey> senders) {
        return retried(senders.size() + " typing stops", typing.stopAll(senders, "message"))
                .flatMap(published -> published == null ? Uni.createFrom().voidItem()
                        : Uni.createFrom().completionStage(published).onFailure().recoverWithItem(t -> {
                            LOG.errorf("typing stops ended in Redis but not published: %s", t.toString());
                            return null;
                        }));
    }

    private static <T> Uni<T> retried(String what, Uni<T> work) {
        return work.onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(5)
                .onFailure().recoverWithItem(t -> {
                    LOG.errorf("dropping %s after retries: %s", what, t.toString());
                    return null;
                });
    }
}

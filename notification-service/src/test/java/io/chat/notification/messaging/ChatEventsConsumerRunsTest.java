package io.chat.notification.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.MessageEvent;
import io.chat.notification.repository.NotificationRepository;
import io.chat.notification.service.NotificationService;
import io.chat.testsupport.KafkaTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a poll is cut into runs (no Quarkus, no database): the service only records the runs it is given. */
class ChatEventsConsumerRunsTest {
    final List<List<String>> runs = new ArrayList<>();
    final ChatEventsConsumer consumer = new ChatEventsConsumer();

    @BeforeEach
    void setUp() {
        consumer.json = KafkaTestClient.JSON;
        consumer.metrics = new SimpleMeterRegistry();
        consumer.notifications = new NotificationRepository() {
            @Override
            public Uni<Void> messageDeleted(String roomId, String msgId) {
                runs.add(List.of("deleted " + msgId));
                return Uni.createFrom().voidItem();
            }
        };
        consumer.service = new NotificationService() {
            @Override
            public Uni<Void> messagesCreated(List<Created> run) {
                runs.add(run.stream().map(c -> c.message().msgId()).toList());
                return Uni.createFrom().voidItem();
            }
        };
    }

    @Test
    void eventsNotificationsIgnoreDoNotCutARun() throws JsonProcessingException {
        consume(created("r1", "m1"), other(EventTypes.COMMAND_RESULT), other(EventTypes.REACTION_UPDATED),
                created("r2", "m2"), other(EventTypes.MESSAGE_EDITED), other(EventTypes.COMMAND_RESULT), created("r1", "m3"));

        assertEquals(List.of(List.of("m1", "m2", "m3")), runs);
    }

    @Test
    void anEventTheConsumerActsOnEndsTheRunAndIsHandledInItsPlace() throws JsonProcessingException {
        consume(created("r1", "m1"), other(EventTypes.COMMAND_RESULT), deleted("r1", "m1"), created("r1", "m2"));

        assertEquals(List.of(List.of("m1"), List.of("deleted m1"), List.of("m2")), runs);
    }

    @Test
    void aRunHoldsAtMostSixteenRooms() throws JsonProcessingException {
        List<String> poll = new ArrayList<>();
        for (int i = 0; i <= ChatEventsConsumer.MAX_RUN_ROOMS; i++) {
            poll.add(created("room-" + i, "m" + i));
            poll.add(created("room-0", "again" + i)); // a room already in the run does not count twice
        }
        consume(poll.toArray(String[]::new));

        assertEquals(2, runs.size());
        assertEquals(2 * ChatEventsConsumer.MAX_RUN_ROOMS, runs.get(0).size());
        assertEquals(List.of("m" + ChatEventsConsumer.MAX_RUN_ROOMS, "again" + ChatEventsConsumer.MAX_RUN_ROOMS), runs.get(1));
    }

    private void consume(String... values) {
        consumer.consume(List.of(values)).await().atMost(Duration.ofSeconds(5));
    }

    private static String created(String room, String msgId) throws JsonProcessingException {
        return json(EventTypes.MESSAGE_CREATED, new MessageEvent(room, msgId, 1, "alice", "hi", Instant.now(), "c-" + msgId,
                null, null, List.of(), null, null));
    }

    private static String deleted(String room, String msgId) throws JsonProcessingException {
        return json(EventTypes.MESSAGE_DELETED, new MessageEvent(room, msgId, 1, "alice", null, Instant.now(), "c-" + msgId,
                null, null, List.of(), null, true));
    }

    private static String other(String type) throws JsonProcessingException {
        return json(type, KafkaTestClient.JSON.createObjectNode().put("room", "r1").put("ok", true));
    }

    private static String json(String type, Object payload) throws JsonProcessingException {
        return KafkaTestClient.JSON.writeValueAsString(new Envelope(UUID.randomUUID().toString(), type, Instant.now(),
                Envelope.VERSION, KafkaTestClient.JSON.valueToTree(payload)));
    }
}

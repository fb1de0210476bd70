package io.chat.presence;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.Topics;
import io.chat.presence.messaging.ChatEventsConsumer;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.chat.presence.Signals.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typing per room: throttled starts, stop, stop by sending, expiry (test: timeout 1.5 s, throttle 1 s). */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class TypingTest {
    static KafkaTestClient kafka;
    @Inject
    ChatEventsConsumer chatEvents;
    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient(Topics.PRESENCE_EVENTS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void renewalsAreThrottledAndStopEndsTyping() throws InterruptedException {
        String user = id("u"), room = id("room");
        typing(user, room, "start");
        Envelope start = awaitTyping(kafka, user, room, "start", Duration.ofSeconds(10));
        // the throttle counts from when the service handled the start, which is before its event arrived here (and can
        // be well after the signal was sent, on a busy machine)
        Instant first = Instant.now();
        assertEquals(user, start.payload().path("user").asText());
        typing(user, room, "start");
        typing(user, room, "start");
        List<Envelope> renewals = eventsAbout(kafka, user, Duration.ofMillis(500));
        assertTrue(renewals.isEmpty(), "renewals within the throttle reach nobody, got " + renewals);

        long wait = 1100 - Duration.between(first, Instant.now()).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        typing(user, room, "start"); // past the throttle window: one more start tells the room it goes on
        awaitTyping(kafka, user, room, "start", Duration.ofSeconds(5));

        typing(user, room, "stop");
        awaitTyping(kafka, user, room, "stop", Duration.ofSeconds(5));
        typing(user, room, "stop");
        List<Envelope> after = eventsAbout(kafka, user, Duration.ofMillis(2000));
        assertTrue(after.isEmpty(), "a second stop, and no expiry after a stop, publish nothing: " + after);
    }

    @Test
    void typingEndsByItselfWithoutRenewal() {
        String user = id("u"), room = id("room");
        typing(user, room, "start");
        awaitTyping(kafka, user, room, "start", Duration.ofSeconds(10));
        Instant started = Instant.now();
        awaitTyping(kafka, user, room, "stop", Duration.ofSeconds(4));
        long after = Duration.between(started, Instant.now()).toMillis();
        assertTrue(after >= 1200 && after <= 2500, "stopped by the 1.5 s timeout (+ sweep), after " + after + " ms");
    }

    @Test
    void sendingAMessageEndsTyping() {
        String user = id("u"), room = id("room");
        typing(user, room, "start");
        awaitTyping(kafka, user, room, "start", Duration.ofSeconds(10));
        chatEvent(room, EventTypes.MESSAGE_CREATED, new MessageEvent(room, id("m"), 1, user, "hello", Instant.now(),
                id("c"), null, null, List.of(), null, null));
        Instant sent = Instant.now();
        awaitTyping(kafka, user, room, "stop", Duration.ofSeconds(5));
        assertTrue(Duration.between(sent, Instant.now()).toMillis() < 1200, "stopped by the message, not by the timeout");
    }

    @Test
    void aPollsMessagesEndTheirSendersTypingInOneRedisCall() throws Exception {
        String alice = id("u"), bob = id("u"), carol = id("u"), room = id("room");
        typing(alice, room, "start");
        typing(bob, room, "start");
        awaitTyping(kafka, alice, room, "start", Duration.ofSeconds(10));
        awaitTyping(kafka, bob, room, "start", Duration.ofSeconds(10));
        // Redis may not know the script yet (a fresh server, or another suite's SCRIPT FLUSH), and then the first call
        // takes a second round trip (EVALSHA, NOSCRIPT, EVAL), rightly counted: load it first with a poll of its own
        chatEvents.consume(List.of(record(EventTypes.MESSAGE_CREATED, message(id("room"), id("u")))))
                .await().atMost(Duration.ofSeconds(10));
        double callsBefore = messageCalls();

        // one poll, as the consumer gets it: alice twice, a record presence ignores, carol (not typing), bob
        chatEvents.consume(List.of(record(EventTypes.MESSAGE_CREATED, message(room, alice)),
                record(EventTypes.COMMAND_RESULT, KafkaTestClient.JSON.createObjectNode().put("room", room).put("ok", true)),
                record(EventTypes.MESSAGE_CREATED, message(room, alice)), record(EventTypes.MESSAGE_CREATED, message(room, carol)),
                record(EventTypes.MESSAGE_CREATED, message(room, bob)))).await().atMost(Duration.ofSeconds(10));

        assertEquals(1.0, messageCalls() - callsBefore, "one Redis call for the poll's four messages");
        awaitTyping(kafka, alice, room, "stop", Duration.ofSeconds(5));
        awaitTyping(kafka, bob, room, "stop", Duration.ofSeconds(5));
        List<Envelope> more = kafka.drain(Duration.ofMillis(500)).stream()
                .filter(e -> room.equals(e.payload().path("room").asText())).toList();
        assertTrue(more.isEmpty(), "one stop each, none for carol: " + more);
    }

    private double messageCalls() {
        Counter c = registry.find("chat_presence_redis_roundtrips").tag("source", "message").counter();
        return c == null ? 0 : c.count();
    }

    private static String record(String type, Object payload) throws Exception {
        return KafkaTestClient.JSON.writeValueAsString(new Envelope(UUID.randomUUID().toString(), type, Instant.now(),
                Envelope.VERSION, KafkaTestClient.JSON.valueToTree(payload)));
    }

    private static MessageEvent message(String room, String sender) {
        return new MessageEvent(room, id("m"), 1, sender, "hello", Instant.now(), id("c"), null, null, List.of(), null, null);
    }
}

package io.chat.presence;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.PresenceSignal;
import io.chat.contracts.Topics;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.chat.presence.Signals.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Aggregated status over sockets and gateways, against the real Kafka and Redis. Test timings
 * (application.properties %test): lease 2 s, offline grace 1 s, idle 3 s, sweep every 200 ms.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class PresenceSignalsTest {
    static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient(Topics.PRESENCE_EVENTS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static Envelope awaitPresence(String user, String status, Duration timeout) {
        return Signals.awaitPresence(kafka, user, status, timeout);
    }

    static List<Envelope> eventsAbout(String user, Duration window) {
        return Signals.eventsAbout(kafka, user, window);
    }

    @Test
    void connectThenDisconnectPublishesOnlineThenOfflineWithLastSeenAfterTheGrace() {
        String user = id("u"), gw = liveGateway();
        connected(user, gw, "s1");
        Envelope online = awaitPresence(user, "online", Duration.ofSeconds(10));
        assertNull(online.payload().get("lastSeen"), "an online user has no lastSeen");

        Instant closed = Instant.now();
        disconnected(user, gw, "s1");
        Envelope offline = awaitPresence(user, "offline", Duration.ofSeconds(5));
        long waited = Duration.between(closed, Instant.now()).toMillis();
        assertTrue(waited >= 900, "offline is published only after the 1 s grace, came after " + waited + " ms");
        Instant lastSeen = Instant.parse(offline.payload().get("lastSeen").asText());
        assertTrue(Math.abs(Duration.between(closed, lastSeen).toMillis()) < 2000, "lastSeen is the disconnect time");
        assertEquals(EventTypes.PRESENCE_CHANGED, offline.type());
    }

    @Test
    void closingOneOfTwoDevicesKeepsTheUserOnline() {
        String user = id("u"), gwA = liveGateway(), gwB = liveGateway();
        connected(user, gwA, "phone");
        awaitPresence(user, "online", Duration.ofSeconds(10));
        connected(user, gwB, "laptop");
        disconnected(user, gwA, "phone");
        List<Envelope> meanwhile = eventsAbout(user, Duration.ofMillis(1800));
        assertTrue(meanwhile.isEmpty(), "laptop still open: no event at all, got " + meanwhile);

        disconnected(user, gwB, "laptop");
        Envelope offline = awaitPresence(user, "offline", Duration.ofSeconds(5));
        assertNotNull(offline.payload().get("lastSeen"));
    }

    @Test
    void aReconnectWithinTheGraceDoesNotFlap() {
        String user = id("u"), gw = liveGateway(), gw2 = liveGateway();
        connected(user, gw, "s1");
        awaitPresence(user, "online", Duration.ofSeconds(10));
        disconnected(user, gw, "s1");
        connected(user, gw2, "s2"); // e.g. the gateway restarted and the client came back elsewhere
        List<Envelope> events = eventsAbout(user, Duration.ofMillis(2000));
        assertTrue(events.isEmpty(), "no offline/online flap, got " + events);
    }

    @Test
    void heartbeatsThatChangeNothingPublishNothing() {
        String user = id("u"), gw = liveGateway();
        connected(user, gw, "s1");
        awaitPresence(user, "online", Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            heartbeat(gw);
        }
        List<Envelope> events = eventsAbout(user, Duration.ofMillis(1200));
        assertTrue(events.isEmpty(), "heartbeats publish nothing, got " + events);
    }

    @Test
    void aGatewayWhoseHeartbeatsStopTakesItsUsersOfflineWithinTheLease() {
        String dead = liveGateway(), alive = liveGateway();
        String crashed = id("u"), kept = id("u");
        connected(crashed, dead, "s1");
        connected(kept, alive, "s2");
        awaitPresence(crashed, "online", Duration.ofSeconds(10));
        awaitPresence(kept, "online", Duration.ofSeconds(10));
        // 'dead' stops beating (no disconnected ever comes); 'alive' goes on
        kill(dead);
        Instant lastBeat = Instant.now();
        {
            Envelope offline = awaitPresence(crashed, "offline", Duration.ofSeconds(5));
            long after = Duration.between(lastBeat, Instant.now()).toMillis();
            assertTrue(after <= 2000 + 1500, "offline within the 2 s lease (+ sweep), took " + after + " ms");
            assertNotNull(offline.payload().get("lastSeen"), "lastSeen is the gateway's last heartbeat");
            List<Envelope> keptEvents = eventsAbout(kept, Duration.ofMillis(500));
            assertFalse(keptEvents.stream().anyMatch(e -> "offline".equals(e.payload().path("status").asText())),
                    "a user on a live gateway stays: " + keptEvents);
        }
    }

    @Test
    void idleSocketsTurnAwayAndActivityBringsOnlineBack() {
        String user = id("u"), gw = liveGateway();
        Instant start = Instant.now();
        connected(user, gw, "s1");
        awaitPresence(user, "online", Duration.ofSeconds(10));
        awaitPresence(user, "away", Duration.ofSeconds(6));
        assertTrue(Duration.between(start, Instant.now()).toMillis() >= 2900, "away only after the 3 s idle time");
        active(user, gw, "s1");
        awaitPresence(user, "online", Duration.ofSeconds(5));
        disconnected(user, gw, "s1");
        awaitPresence(user, "offline", Duration.ofSeconds(5));
    }

    @Test
    void dndWithTextExpiresBackToOnlineAndAwayIsManual() {
        String user = id("u"), gw = liveGateway();
        connected(user, gw, "s1");
        awaitPresence(user, "online", Duration.ofSeconds(10));
        // 'until' is an optional payload field beyond the PresenceSignal record (see docs/presence-service.md)
        signal(EventTypes.SIGNAL_STATUS_SET, user, Map.of("userId", user,
                "sessionId", "s1", "status", "dnd", "text", "in a meeting", "until", Instant.now().plusMillis(1500).toString()));
        Envelope dnd = awaitPresence(user, "dnd", Duration.ofSeconds(5));
        assertEquals("in a meeting", dnd.payload().path("text").asText());
        // keep the socket active so that the expiry lands on online, not on idle away
        active(user, gw, "s1");
        Envelope back = awaitPresence(user, "online", Duration.ofSeconds(4));
        assertNull(back.payload().get("text"), "the dnd text ends with the dnd");

        signal(EventTypes.SIGNAL_STATUS_SET, user, new PresenceSignal(user, null, "s1", null, "away", "lunch", null, null));
        Envelope away = awaitPresence(user, "away", Duration.ofSeconds(5));
        assertEquals("lunch", away.payload().path("text").asText());
    }
}

package io.chat.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway replicas on two ports against the same services: users on different replicas chat
 * and see each other's presence and typing; stopping one replica closes its sockets with 1001, and
 * its clients reconnect to the other and sync without losing or duplicating a seq.
 */
class TwoReplicaE2ETest {
    static final Duration WAIT = Duration.ofSeconds(20);

    static String required(String name) {
        String value = System.getenv(name);
        assertNotNull(value, name + " must be set (scripts/test.sh starts the second replica and sets it)");
        return value;
    }

    static String send(String id, String room, String cmid, String text) {
        return "{\"type\":\"message.send\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + cmid
                + "\",\"text\":\"" + text + "\"}";
    }

    @Test
    void usersOnDifferentReplicasChatAndSurviveADrain() throws Exception {
        String ws2 = required("CHAT_GATEWAY2_URL").replaceFirst("^http", "ws") + "/ws";
        Path gateway2Pid = Path.of(required("CHAT_GATEWAY2_PID_FILE"));
        Chat.User alice = Chat.newUser("rep_alice");
        Chat.User bob = Chat.newUser("rep_bob");
        String room = Chat.post(alice, "/api/rooms", Map.of("kind", "direct", "members", List.of(bob.userId())))
                .then().statusCode(201).extract().path("id");

        Set<Long> bobSeen = new HashSet<>();
        try (WsClient a = WsClient.withHeader(Chat.WS, alice.accessToken())) {
            a.awaitType("hello", WAIT);
            WsClient b = WsClient.withHeader(ws2, bob.accessToken());
            b.awaitType("hello", WAIT);
            // presence crosses replicas: alice (replica 1) sees bob (replica 2) come online
            a.await(f -> "presence".equals(f.path("type").asText()) && bob.userId().equals(f.path("user").asText())
                    && "online".equals(f.path("status").asText()), WAIT);

            a.send(send("a-1", room, "a-1", "hi from replica one"));
            assertEquals("ack", a.answerTo("a-1", WAIT).path("type").asText());
            JsonNode atBob = b.awaitType("message.new", WAIT);
            assertEquals("hi from replica one", atBob.path("text").asText());
            assertTrue(bobSeen.add(atBob.path("seq").asLong()));

            b.send(send("b-1", room, "b-1", "hi from replica two"));
            assertEquals("ack", b.answerTo("b-1", WAIT).path("type").asText());
            JsonNode atAlice = a.await(f -> "message.new".equals(f.path("type").asText())
                    && "hi from replica two".equals(f.path("text").asText()), WAIT);
            assertTrue(bobSeen.add(atAlice.path("seq").asLong()), "bob's own message counts as seen by bob");

            b.send("{\"type\":\"typing\",\"id\":\"t-1\",\"room\":\"" + room + "\",\"state\":\"start\"}");
            assertEquals("ack", b.answerTo("t-1", WAIT).path("type").asText());
            a.await(f -> "typing".equals(f.path("type").asText()) && bob.userId().equals(f.path("user").asText())
                    && "start".equals(f.path("state").asText()), WAIT);

            // drain replica two while alice keeps sending
            long pid = Long.parseLong(Files.readString(gateway2Pid).trim());
            ProcessHandle.of(pid).orElseThrow().destroy(); // SIGTERM: a graceful stop
            int closeCode = b.closed.get(30, TimeUnit.SECONDS);
            assertEquals(1001, closeCode, "a draining replica says 'going away'");
            for (int i = 2; i <= 9; i++) { // within the send burst of 10
                a.send(send("a-" + i, room, "a-" + i, "while you were away " + i));
                assertEquals("ack", a.answerTo("a-" + i, WAIT).path("type").asText());
            }
            // bob's client reconnects to the replica that is left and catches up from its last seq
            long lastSeen = bobSeen.stream().mapToLong(Long::longValue).max().orElse(0);
            try (WsClient again = WsClient.withHeader(Chat.WS, bob.accessToken())) {
                again.awaitType("hello", WAIT);
                again.send("{\"type\":\"sync\",\"id\":\"s-1\",\"rooms\":{\"" + room + "\":" + lastSeen + "}}");
                JsonNode sync = again.answerTo("s-1", WAIT);
                assertEquals("ack", sync.path("type").asText(), sync.toString());
                assertTrue(sync.path("rooms").path(room).path("complete").asBoolean());
                for (JsonNode m : sync.path("rooms").path(room).path("messages")) {
                    assertTrue(bobSeen.add(m.path("seq").asLong()), "duplicate seq " + m.path("seq"));
                }
            }
        }
        assertEquals(10, bobSeen.size(), "every stored message reached bob exactly once: " + bobSeen);
        for (long seq = 1; seq <= 10; seq++) {
            assertTrue(bobSeen.contains(seq), "missing seq " + seq);
        }
    }
}

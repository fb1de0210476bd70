package io.chat.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 2's first message, end to end, through the five services running as processes against real
 * PostgreSQL, Redis and Kafka: auth → gateway REST proxy → message-service → Kafka → gateway sockets,
 * presence going offline, and notification-service storing an in-app notification for the absent user.
 */
class FirstMessageE2ETest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void twoUsersChatAndTheAbsentOneIsNotified() {
        Chat.User alice = Chat.newUser("alice");
        Chat.User bob = Chat.newUser("bob");

        Response created = Chat.post(alice, "/api/rooms", Map.of("kind", "direct", "members", List.of(bob.userId())));
        created.then().statusCode(201);
        String room = created.path("id");

        try (WsClient a = WsClient.withHeader(Chat.WS, alice.accessToken());
             WsClient b = WsClient.withSubprotocol(Chat.WS, bob.accessToken(), Chat.ORIGIN)) {
            assertEquals("chat.v1", b.subprotocol(), "the browser carrier negotiates chat.v1");
            JsonNode helloA = a.awaitType("hello", WAIT);
            assertEquals(alice.userId(), helloA.path("userId").asText());
            assertEquals(bob.userId(), b.awaitType("hello", WAIT).path("userId").asText());

            a.send("{\"type\":\"message.send\",\"id\":\"c-1\",\"room\":\"" + room + "\",\"clientMsgId\":\"m-1\",\"text\":\"hello bob\"}");
            JsonNode ack = a.answerTo("c-1", WAIT);
            assertEquals("ack", ack.path("type").asText(), ack.toString());
            assertEquals(1, ack.path("seq").asLong());
            assertEquals(room, ack.path("room").asText());
            assertFalse(ack.path("msgId").asText().isEmpty());

            JsonNode delivered = b.awaitType("message.new", WAIT);
            assertEquals("hello bob", delivered.path("text").asText());
            assertEquals(1, delivered.path("seq").asLong());
            assertEquals(alice.userId(), delivered.path("sender").asText());
            assertEquals(ack.path("msgId").asText(), delivered.path("msgId").asText());

            a.close();
            JsonNode offline = b.await(f -> "presence".equals(f.path("type").asText())
                    && alice.userId().equals(f.path("user").asText()) && "offline".equals(f.path("status").asText()), WAIT);
            assertTrue(offline.has("lastSeen") || offline.path("status").asText().equals("offline"));

            // alice is away: bob's message becomes an in-app notification for her
            b.send("{\"type\":\"message.send\",\"id\":\"c-2\",\"room\":\"" + room + "\",\"clientMsgId\":\"m-2\",\"text\":\"are you there?\"}");
            assertEquals("ack", b.answerTo("c-2", WAIT).path("type").asText());
        }
        long until = System.currentTimeMillis() + WAIT.toMillis();
        List<Map<String, Object>> items;
        do {
            Response feed = Chat.get(alice, "/api/notifications");
            feed.then().statusCode(200);
            items = feed.path("items");
            if (items.stream().anyMatch(n -> room.equals(n.get("room")))) {
                break;
            }
            sleep(250);
        } while (System.currentTimeMillis() < until);
        assertTrue(items.stream().anyMatch(n -> room.equals(n.get("room")) && bob.userId().equals(n.get("sender"))),
                "alice has an in-app notification for bob's message: " + items);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

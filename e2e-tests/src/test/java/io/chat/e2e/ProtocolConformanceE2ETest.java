package io.chat.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Protocol v1 at the gateway, against the running services: every malformed frame gets an error and the socket lives on. */
class ProtocolConformanceE2ETest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static Chat.User alice;
    static Chat.User bob;
    static String room;

    @BeforeAll
    static void setUp() {
        alice = Chat.newUser("pc_alice");
        bob = Chat.newUser("pc_bob");
        room = Chat.post(alice, "/api/rooms", Map.of("kind", "direct", "members", List.of(bob.userId())))
                .then().statusCode(201).extract().path("id");
    }

    static WsClient connect(Chat.User user) {
        WsClient ws = WsClient.withHeader(Chat.WS, user.accessToken());
        ws.awaitType("hello", WAIT);
        return ws;
    }

    static String send(String id, String clientMsgId, String text) {
        return "{\"type\":\"message.send\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + clientMsgId
                + "\",\"text\":\"" + text + "\"}";
    }

    /** Frames that must each be answered with an error of the given code; the socket must stay usable. */
    static List<String[]> catalogue() {
        String big = "x".repeat(5000);
        List<String[]> c = new ArrayList<>();
        c.add(new String[] {"not json", "bad_request"});
        c.add(new String[] {"{", "bad_request"});
        c.add(new String[] {"{\"type\":\"ping\",\"id\":\"a\"", "bad_request"});
        c.add(new String[] {"[]", "bad_request"});
        c.add(new String[] {"42", "bad_request"});
        c.add(new String[] {"\"ping\"", "bad_request"});
        c.add(new String[] {"null", "bad_request"});
        c.add(new String[] {"{}", "bad_request"});
        c.add(new String[] {"{\"id\":\"m1\"}", "bad_request"});
        c.add(new String[] {"{\"type\":42,\"id\":\"m2\"}", "bad_request"});
        c.add(new String[] {"{\"type\":null,\"id\":\"m3\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"nope\",\"id\":\"m4\"}", "unknown_type"});
        c.add(new String[] {"{\"type\":\"MESSAGE.SEND\",\"id\":\"m5\"}", "unknown_type"});
        c.add(new String[] {"{\"type\":\"ping\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"ping\",\"id\":17}", "bad_request"});
        c.add(new String[] {"{\"type\":\"ping\",\"id\":\"" + "i".repeat(65) + "\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m6\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m7\",\"room\":\"" + room + "\",\"clientMsgId\":\"q\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m8\",\"room\":5,\"clientMsgId\":\"q\",\"text\":\"t\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m9\",\"room\":\"" + room + "\",\"clientMsgId\":[],\"text\":\"t\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m10\",\"room\":\"" + room + "\",\"clientMsgId\":\"q\",\"text\":{\"a\":1}}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m11\",\"room\":\"" + room + "\",\"clientMsgId\":\"q\",\"text\":\"\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m12\",\"room\":\"" + room + "\",\"clientMsgId\":\"q\",\"text\":\"" + big + "\"}", "too_large"});
        c.add(new String[] {"{\"type\":\"message.send\",\"id\":\"m13\",\"room\":\"not-a-room\",\"clientMsgId\":\"q13\",\"text\":\"t13\"}", "not_found"});
        c.add(new String[] {"{\"type\":\"sync\",\"id\":\"m14\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"sync\",\"id\":\"m15\",\"rooms\":[1,2]}", "bad_request"});
        c.add(new String[] {"{\"type\":\"sync\",\"id\":\"m16\",\"rooms\":{\"" + room + "\":-1}}", "bad_request"});
        c.add(new String[] {"{\"type\":\"sync\",\"id\":\"m17\",\"rooms\":{\"" + room + "\":\"zero\"}}", "bad_request"});
        c.add(new String[] {"{\"type\":\"sync\",\"id\":\"m18\",\"rooms\":{\"" + room + "\":1.5}}", "bad_request"});
        c.add(new String[] {"{\"type\":\"typing\",\"id\":\"m19\",\"room\":\"" + room + "\",\"state\":\"dancing\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"typing\",\"id\":\"m20\",\"room\":\"" + room + "\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"presence.set\",\"id\":\"m21\",\"status\":\"invisible\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"presence.set\",\"id\":\"m22\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"receipt.read\",\"id\":\"m23\",\"room\":\"" + room + "\",\"seq\":-5}", "bad_request"});
        c.add(new String[] {"{\"type\":\"receipt.read\",\"id\":\"m24\",\"room\":\"" + room + "\",\"seq\":\"5\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"receipt.delivered\",\"id\":\"m25\",\"room\":\"" + room + "\",\"seq\":1e400}", "bad_request"});
        c.add(new String[] {"{\"type\":\"auth.refresh\",\"id\":\"m26\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"auth.refresh\",\"id\":\"m27\",\"accessToken\":\"not.a.jwt\"}", "unauthorized"});
        c.add(new String[] {"{\"type\":\"reaction.add\",\"id\":\"m28\",\"room\":\"" + room + "\",\"msgId\":\"x\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.edit\",\"id\":\"m29\",\"room\":\"" + room + "\",\"text\":\"t\"}", "bad_request"});
        c.add(new String[] {"{\"type\":\"ping\",\"id\":\"m30\",\"deep\":" + "[".repeat(200) + "]".repeat(200) + "}", "bad_request"});
        c.add(new String[] {"{\"type\":\"message.delete\",\"id\":\"m31\",\"room\":null,\"msgId\":\"x\"}", "bad_request"});
        return c;
    }

    @Test
    void everyMalformedFrameGetsAnErrorAndTheSocketStaysUsable() {
        try (WsClient a = connect(alice)) {
            int n = 0;
            for (String[] entry : catalogue()) {
                a.send(entry[0]);
                JsonNode error = a.awaitType("error", WAIT);
                assertEquals(entry[1], error.path("code").asText(), "frame " + entry[0].substring(0, Math.min(80, entry[0].length())));
                assertTrue(error.has("message") && error.has("ts"), error.toString());
                String ping = "p-" + n++;
                a.send("{\"type\":\"ping\",\"id\":\"" + ping + "\"}");
                assertEquals("ack", a.answerTo(ping, WAIT).path("type").asText(), "socket still usable after " + entry[0]);
            }
            assertTrue(n >= 30, "the catalogue holds at least 30 malformed frames");
        }
    }

    @Test
    void oversizeFrameClosesWith1009() throws Exception {
        WsClient a = connect(alice);
        a.send("{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
        assertEquals(1009, a.closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void handshakeWithoutValidTokenOrFromForeignOriginIsRefused() {
        HttpClient http = HttpClient.newHttpClient();
        assertHandshakeStatus(401, () -> http.newWebSocketBuilder().buildAsync(URI.create(Chat.WS), new WebSocket.Listener() { }).join());
        assertHandshakeStatus(401, () -> http.newWebSocketBuilder().header("Authorization", "Bearer not.a.token")
                .buildAsync(URI.create(Chat.WS), new WebSocket.Listener() { }).join());
        assertHandshakeStatus(401, () -> http.newWebSocketBuilder()
                .buildAsync(URI.create(Chat.WS + "?access_token=" + alice.accessToken()), new WebSocket.Listener() { }).join());
        assertHandshakeStatus(403, () -> http.newWebSocketBuilder().header("Authorization", "Bearer " + alice.accessToken())
                .header("Origin", "https://evil.example").buildAsync(URI.create(Chat.WS), new WebSocket.Listener() { }).join());
    }

    static void assertHandshakeStatus(int status, Runnable connect) {
        CompletionException e = assertThrows(CompletionException.class, connect::run);
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, "handshake refused: " + e.getCause());
        assertEquals(status, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void sendIsIdempotentDuplicatesAreRefusedAndOnlyMembersReceive() {
        Chat.User carol = Chat.newUser("pc_carol");
        try (WsClient a = connect(alice); WsClient bPhone = connect(bob); WsClient bLaptop = connect(bob); WsClient c = connect(carol)) {
            a.send(send("i-1", "idem-1", "first words"));
            JsonNode ack = a.answerTo("i-1", WAIT);
            assertEquals("ack", ack.path("type").asText(), ack.toString());
            // a retry of the same message (same clientMsgId) is acknowledged with the same msgId and seq
            a.send(send("i-2", "idem-1", "first words"));
            JsonNode again = a.answerTo("i-2", WAIT);
            // a new message is acked from its message.created, a repeat from a command.result: the same ack either way
            Set<String> ackFields = Set.of("type", "ref", "msgId", "room", "seq", "ts");
            assertEquals(ackFields, fieldNames(ack), ack.toString());
            assertEquals(ackFields, fieldNames(again), again.toString());
            assertEquals(room, ack.path("room").asText());
            for (String f : List.of("msgId", "room", "seq", "ts")) {
                assertEquals(ack.path(f), again.path(f), f);
            }
            // the same text as a new message right away is spam
            a.send(send("i-3", "idem-2", "first words"));
            assertEquals("duplicate", a.answerTo("i-3", WAIT).path("code").asText());
            // both of bob's devices receive the message, exactly once each
            for (WsClient device : List.of(bPhone, bLaptop)) {
                JsonNode m = device.await(f -> "message.new".equals(f.path("type").asText())
                        && f.path("msgId").asText().equals(ack.path("msgId").asText()), WAIT);
                assertEquals(ack.path("seq").asLong(), m.path("seq").asLong());
            }
            for (WsClient device : List.of(bPhone, bLaptop)) {
                assertTrue(device.drain(Duration.ofMillis(700)).stream().noneMatch(f -> "message.new".equals(f.path("type").asText())),
                        "no second copy");
            }
            assertTrue(a.drain(Duration.ofMillis(300)).stream().noneMatch(f -> Set.of("i-1", "i-2").contains(f.path("ref").asText())),
                    "every command is answered once");
            // carol is not a member: nothing of the room reaches her
            assertTrue(c.drain(Duration.ofMillis(500)).stream().noneMatch(f -> room.equals(f.path("room").asText())));
        }
    }

    @Test
    void rateLimitAnswersWithUsableRetryAfter() {
        Chat.User dave = Chat.newUser("pc_dave");
        Chat.User erin = Chat.newUser("pc_erin");
        String r = Chat.post(dave, "/api/rooms", Map.of("kind", "direct", "members", List.of(erin.userId())))
                .then().statusCode(201).extract().path("id");
        try (WsClient d = connect(dave)) {
            JsonNode limited = null;
            for (int i = 0; i < 15 && limited == null; i++) {
                d.send("{\"type\":\"message.send\",\"id\":\"r-" + i + "\",\"room\":\"" + r + "\",\"clientMsgId\":\"rl-" + i
                        + "\",\"text\":\"burst " + i + "\"}");
                JsonNode answer = d.answerTo("r-" + i, WAIT);
                if ("error".equals(answer.path("type").asText())) {
                    assertEquals("rate_limited", answer.path("code").asText(), answer.toString());
                    limited = answer;
                }
            }
            assertTrue(limited != null, "the burst limit was reached within 15 sends");
            assertTrue(limited.path("retryable").asBoolean());
            long retryAfter = limited.path("retryAfterMs").asLong();
            assertTrue(retryAfter > 0 && retryAfter <= 5000, "retryAfterMs " + retryAfter);
            sleep(retryAfter + 100);
            d.send("{\"type\":\"message.send\",\"id\":\"r-after\",\"room\":\"" + r + "\",\"clientMsgId\":\"rl-after\",\"text\":\"patient\"}");
            assertEquals("ack", d.answerTo("r-after", WAIT).path("type").asText(), "after retryAfterMs the send goes through");
        }
    }

    @Test
    void syncReturnsMissedMessagesInOrder() {
        try (WsClient a = connect(alice)) {
            for (int i = 0; i < 3; i++) {
                a.send(send("s-" + i, "sync-" + i, "catch up " + i));
                assertEquals("ack", a.answerTo("s-" + i, WAIT).path("type").asText());
            }
        }
        try (WsClient b = connect(bob)) {
            b.send("{\"type\":\"sync\",\"id\":\"sy\",\"rooms\":{\"" + room + "\":0}}");
            JsonNode ack = b.answerTo("sy", WAIT);
            assertEquals("ack", ack.path("type").asText(), ack.toString());
            JsonNode r = ack.path("rooms").path(room);
            assertTrue(r.path("complete").asBoolean());
            long previous = 0;
            for (JsonNode m : r.path("messages")) {
                assertEquals(previous + 1, m.path("seq").asLong(), "seq grows by exactly one");
                previous = m.path("seq").asLong();
            }
            assertTrue(previous >= 3);
        }
    }

    @Test
    void connectionCapClosesWith4429() throws Exception {
        Chat.User frank = Chat.newUser("pc_frank");
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                open.add(connect(frank));
            }
            WsClient eleventh = WsClient.withHeader(Chat.WS, frank.accessToken());
            assertEquals(4429, eleventh.closed.get(10, TimeUnit.SECONDS));
            assertFalse(open.get(0).closed.isDone(), "the first ten stay open");
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void logoutClosesThatSessionsSocketsWith4001AndLeavesOtherSessionsOpen() throws Exception {
        Chat.User gina = Chat.newUser("pc_gina");
        Chat.User laptop = Chat.login(gina); // a second login session of the same account
        try (WsClient phone = connect(gina); WsClient other = connect(laptop)) {
            io.restassured.RestAssured.given().auth().oauth2(gina.accessToken()).post(Chat.HTTP + "/api/auth/logout")
                    .then().statusCode(204);
            assertEquals(4001, phone.closed.get(15, TimeUnit.SECONDS));
            other.send("{\"type\":\"ping\",\"id\":\"still-here\"}");
            assertEquals("ack", other.answerTo("still-here", WAIT).path("type").asText(), "the other session stays open");
        }
    }

    @Test
    void aRevokedMembershipStopsEventsAndCommandsWithinSeconds() {
        Chat.User owner = Chat.newUser("pc_owner");
        Chat.User kicked = Chat.newUser("pc_kicked");
        String group = Chat.post(owner, "/api/rooms", Map.of("kind", "group", "name", "team", "members", List.of(kicked.userId())))
                .then().statusCode(201).extract().path("id");
        try (WsClient o = connect(owner); WsClient k = connect(kicked)) {
            o.send("{\"type\":\"message.send\",\"id\":\"g-1\",\"room\":\"" + group + "\",\"clientMsgId\":\"g-1\",\"text\":\"welcome\"}");
            assertEquals("ack", o.answerTo("g-1", WAIT).path("type").asText());
            k.await(f -> "message.new".equals(f.path("type").asText()) && group.equals(f.path("room").asText()), WAIT);

            io.restassured.RestAssured.given().auth().oauth2(owner.accessToken())
                    .delete(Chat.HTTP + "/api/rooms/" + group + "/members/" + kicked.userId()).then().statusCode(204);
            k.await(f -> "member.left".equals(f.path("type").asText()) && group.equals(f.path("room").asText()), WAIT);

            o.send("{\"type\":\"message.send\",\"id\":\"g-2\",\"room\":\"" + group + "\",\"clientMsgId\":\"g-2\",\"text\":\"after you left\"}");
            assertEquals("ack", o.answerTo("g-2", WAIT).path("type").asText());
            assertTrue(k.drain(Duration.ofSeconds(1)).stream().noneMatch(f -> "message.new".equals(f.path("type").asText())),
                    "no event of the room after the membership was revoked");
            k.send("{\"type\":\"message.send\",\"id\":\"g-3\",\"room\":\"" + group + "\",\"clientMsgId\":\"g-3\",\"text\":\"let me back\"}");
            assertEquals("not_found", k.answerTo("g-3", WAIT).path("code").asText(), "commands are refused too");
        }
    }

    static Set<String> fieldNames(JsonNode frame) {
        Set<String> names = new java.util.HashSet<>();
        frame.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

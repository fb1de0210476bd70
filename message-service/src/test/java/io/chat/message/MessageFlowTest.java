package io.chat.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.contracts.ChatCommand;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Origin;
import io.chat.contracts.Topics;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rooms and the ordered, idempotent message store against the real PostgreSQL and Kafka. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class MessageFlowTest {

    static String user() {
        return UUID.randomUUID().toString();
    }

    static Response post(String token, String path, Object body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post(path);
    }

    /** One poll's records: {@code n} plain sends by {@code sender} into {@code room}, clientMsgIds {@code prefix + i}. */
    static List<String> sends(String sender, String room, String prefix, int n) throws Exception {
        List<String> poll = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ChatCommand send = new ChatCommand(new Origin("gw-test", "s-" + prefix, prefix + i), sender, List.of("user"), room,
                    prefix + i, "message " + i, null, null, null, null, null);
            poll.add(KafkaTestClient.JSON.writeValueAsString(new Envelope(UUID.randomUUID().toString(), EventTypes.MESSAGE_SEND,
                    Instant.now(), 1, KafkaTestClient.JSON.valueToTree(send))));
        }
        return poll;
    }

    static String directRoom(String a, String b) {
        return post(TestTokens.forUser(a), "/api/rooms", Map.of("kind", "direct", "members", List.of(b)))
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void everyForgedOrInvalidTokenIsRefusedWith401() {
        io.chat.testsupport.TokenAttacks.all(user()).forEach((attack, token) ->
                given().auth().oauth2(token).get("/api/rooms").then().statusCode(401));
        // a token in the query string is not a credential here either
        given().queryParam("access_token", TestTokens.forUser(user())).get("/api/rooms").then().statusCode(401);
    }

    @Test
    void directRoomIsUniquePerPairAndHiddenFromOthers() {
        String a = user(), b = user(), stranger = user();
        String room = directRoom(a, b);
        // either side asking again gets the same room with 200
        post(TestTokens.forUser(b), "/api/rooms", Map.of("kind", "direct", "members", List.of(a)))
                .then().statusCode(200).body("id", equalTo(room)).body("members", hasSize(2));
        // a non-member cannot learn that the room exists: the same 404 as for a random id
        given().auth().oauth2(TestTokens.forUser(stranger)).get("/api/rooms/" + room)
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(TestTokens.forUser(stranger)).get("/api/rooms/" + UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(TestTokens.forUser(stranger)).get("/api/rooms/" + room + "/messages")
                .then().statusCode(404);
        post(TestTokens.forUser(stranger), "/api/rooms/" + room + "/messages", Map.of("clientMsgId", "x1", "text", "hi"))
                .then().statusCode(404);
        given().get("/api/rooms/" + room).then().statusCode(401);
    }

    @Test
    void restSendIsIdempotentAndTextIsPlainAndNormalised() {
        String a = user(), b = user();
        String room = directRoom(a, b);
        String xss = "  <img src=x onerror=alert(1)>\u0007 ";
        Response first = post(TestTokens.forUser(a), "/api/rooms/" + room + "/messages", Map.of("clientMsgId", "c-1", "text", xss));
        first.then().statusCode(201).body("seq", equalTo(1)).body("room", equalTo(room));
        post(TestTokens.forUser(a), "/api/rooms/" + room + "/messages", Map.of("clientMsgId", "c-1", "text", xss))
                .then().statusCode(200).body("msgId", equalTo(first.path("msgId"))).body("seq", equalTo(1));
        given().auth().oauth2(TestTokens.forUser(b)).get("/api/rooms/" + room + "/messages?after=0")
                .then().statusCode(200).body("items", hasSize(1))
                .body("items[0].text", equalTo("<img src=x onerror=alert(1)>"))
                .body("items[0].sender", equalTo(a));
        post(TestTokens.forUser(a), "/api/rooms/" + room + "/messages", Map.of("clientMsgId", "c-2", "text", " \u0000 "))
                .then().statusCode(400).body("code", equalTo("bad_request")).body("details.text", equalTo("text must not be empty"));
        post(TestTokens.forUser(a), "/api/rooms/" + room + "/messages", Map.of("clientMsgId", "c-3", "text", "x".repeat(4001)))
                .then().statusCode(400).body("code", equalTo("bad_request"));
    }

    @Test
    void twentyConcurrentSendersGetSeqOneToThousandWithoutGapOrDuplicate() throws Exception {
        String owner = user();
        List<String> senders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            senders.add(user());
        }
        String room = post(TestTokens.forUser(owner), "/api/rooms", Map.of("kind", "group", "name", "load", "members", senders))
                .then().statusCode(201).extract().path("id");
        Map<String, Long> acked = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<?>> done = new ArrayList<>();
        for (String sender : senders) {
            String token = TestTokens.forUser(sender);
            done.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    String cmid = sender + "-" + i;
                    Response r = post(token, "/api/rooms/" + room + "/messages", Map.of("clientMsgId", "m" + i, "text", "n" + i));
                    assertEquals(201, r.statusCode(), r.asString());
                    acked.put(cmid, ((Number) r.path("seq")).longValue());
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(1000, acked.size());
        assertEquals(LongStream.rangeClosed(1, 1000).boxed().collect(Collectors.toSet()), new TreeSet<>(acked.values()));
        // and the store holds exactly those 1000, in seq order, pageable to the end
        Set<Long> stored = new TreeSet<>();
        String cursor = null;
        do {
            Response page = given().auth().oauth2(TestTokens.forUser(owner)).queryParam("after", 0).queryParam("limit", 100)
                    .queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor)).get("/api/rooms/" + room + "/messages");
            page.then().statusCode(200);
            List<Integer> seqs = page.path("items.seq");
            seqs.forEach(s -> assertTrue(stored.add(s.longValue()), "duplicate seq " + s));
            cursor = page.path("next");
        } while (cursor != null);
        assertEquals(1000, stored.size());
    }

    @Test
    void commandOverKafkaIsStoredOnceAndAnsweredOnceEvenWhenRedelivered() {
        String a = user(), b = user();
        String room = directRoom(a, b);
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            Origin origin = new Origin("gw-test", "s-1", "c-17");
            ChatCommand send = new ChatCommand(origin, a, List.of("user"), room, "k-1", "hello @room", null, null, null, null, null);
            Envelope command = new Envelope(UUID.randomUUID().toString(), EventTypes.MESSAGE_SEND, Instant.now(),
                    1, KafkaTestClient.JSON.valueToTree(send));
            kafka.sendEnvelope(Topics.CHAT_COMMANDS, room, command);
            Envelope created = kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.MESSAGE_CREATED)
                    && room.equals(e.payload().path("room").asText()));
            assertEquals(1, created.payload().path("seq").asLong());
            assertEquals("room", created.payload().path("mentions").get(0).asText());
            // the new message's event is the command's answer: it carries the origin, and no command.result follows
            assertEquals(KafkaTestClient.JSON.valueToTree(origin), created.payload().path("origin"));
            assertTrue(kafka.drain(Duration.ofMillis(500)).stream().noneMatch(e -> e.type().equals(EventTypes.COMMAND_RESULT)
                    && room.equals(e.payload().path("room").asText())), "a new message was answered twice");

            // the same record again (a redelivery): answered with the original by a command.result, nothing new stored
            kafka.sendEnvelope(Topics.CHAT_COMMANDS, room, command);
            Envelope again = kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.COMMAND_RESULT)
                    && "c-17".equals(e.payload().path("origin").path("commandId").asText()));
            assertTrue(again.payload().path("ok").asBoolean());
            assertEquals(1, again.payload().path("result").path("seq").asLong());
            assertEquals(created.payload().path("msgId").asText(), again.payload().path("result").path("msgId").asText());
            assertEquals(created.payload().path("ts").asText(), again.payload().path("result").path("ts").asText(),
                    "a gateway acks a new message from its event and a repeat from the result: the same ack fields");
            List<Envelope> later = kafka.drain(Duration.ofMillis(500));
            assertTrue(later.stream().noneMatch(e -> e.type().equals(EventTypes.MESSAGE_CREATED)), "a redelivery stored a message");
            given().auth().oauth2(TestTokens.forUser(b)).get("/api/rooms/" + room + "/messages")
                    .then().statusCode(200).body("items", hasSize(1));

            // a command from a non-member is answered with an error and stores nothing
            ChatCommand intruder = new ChatCommand(new Origin("gw-test", "s-2", "c-18"), user(), List.of("user"), room, "k-2",
                    "let me in", null, null, null, null, null);
            kafka.send(Topics.CHAT_COMMANDS, room, EventTypes.MESSAGE_SEND, intruder);
            Envelope refused = kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.COMMAND_RESULT)
                    && "c-18".equals(e.payload().path("origin").path("commandId").asText()));
            assertEquals("not_found", refused.payload().path("code").asText());
        }
    }

    /**
     * Many rooms' commands in a few polls: they are handled concurrently (one lane per room), yet each room's
     * messages get seq in the order sent, a refused command does not stop its room's lane, every command is
     * answered exactly once and every stored message is published (the outbox relay runs against concurrent
     * transactions here, whose ids commit out of order).
     */
    @Test
    void commandsOfManyRoomsAreHandledConcurrentlyInOrderPerRoomAndAllPublished() {
        int rooms = 30, perRoom = 10, refusedAt = 4;
        String owner = user();
        List<String> roomIds = new ArrayList<>();
        List<String> senders = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String sender = user();
            senders.add(sender);
            roomIds.add(post(TestTokens.forUser(owner), "/api/rooms", Map.of("kind", "group", "name", "lane " + r,
                    "members", List.of(sender))).then().statusCode(201).extract().path("id"));
        }
        String session = "s-lanes-" + UUID.randomUUID();
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            List<Map.Entry<String, Envelope>> commands = new ArrayList<>();
            for (int i = 0; i < perRoom; i++) {
                for (int r = 0; r < rooms; r++) {
                    String from = i == refusedAt ? user() : senders.get(r); // a non-member: refused
                    ChatCommand send = new ChatCommand(new Origin("gw-test", session, r + "-" + i), from, List.of("user"),
                            roomIds.get(r), "k-" + i, "message " + i, null, null, null, null, null);
                    commands.add(Map.entry(roomIds.get(r), new Envelope(UUID.randomUUID().toString(), EventTypes.MESSAGE_SEND,
                            Instant.now(), 1, KafkaTestClient.JSON.valueToTree(send))));
                }
            }
            kafka.sendAll(Topics.CHAT_COMMANDS, commands);

            Map<String, List<Envelope>> results = new ConcurrentHashMap<>();
            Map<String, List<Envelope>> created = new ConcurrentHashMap<>();
            Set<String> ours = Set.copyOf(roomIds);
            long until = System.currentTimeMillis() + 60_000;
            int expectedCreated = rooms * (perRoom - 1);
            while ((results.size() < rooms * perRoom || created.values().stream().mapToInt(List::size).sum() < expectedCreated)
                    && System.currentTimeMillis() < until) {
                for (Envelope e : kafka.drain(Duration.ofMillis(200))) {
                    JsonNode origin = CommandAnswers.origin(e);
                    if (origin != null && session.equals(origin.path("sessionId").asText())) {
                        results.computeIfAbsent(origin.path("commandId").asText(), k -> new ArrayList<>()).add(e);
                    }
                    if (e.type().equals(EventTypes.MESSAGE_CREATED) && ours.contains(e.payload().path("room").asText())) {
                        created.computeIfAbsent(e.payload().path("room").asText(), k -> new ArrayList<>()).add(e);
                    }
                }
            }
            assertEquals(rooms * perRoom, results.size(), "every command answered");
            for (int r = 0; r < rooms; r++) {
                List<Envelope> events = created.getOrDefault(roomIds.get(r), List.of());
                List<Long> seqs = events.stream().map(e -> e.payload().path("seq").asLong()).toList();
                assertEquals(LongStream.rangeClosed(1, perRoom - 1).boxed().toList(), seqs, "room " + r + " published in seq order");
                List<String> texts = events.stream().map(e -> e.payload().path("text").asText()).toList();
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < perRoom; i++) {
                    if (i != refusedAt) {
                        sent.add("message " + i);
                    }
                }
                assertEquals(sent, texts, "room " + r + " stored in the order sent");
                long seq = 0;
                for (int i = 0; i < perRoom; i++) {
                    List<Envelope> answers = results.get(r + "-" + i);
                    assertEquals(1, answers.size(), "answered once: " + r + "-" + i);
                    JsonNode answer = CommandAnswers.answer(answers.get(0));
                    if (i == refusedAt) {
                        assertEquals("not_found", answer.path("code").asText());
                    } else {
                        assertTrue(answer.path("ok").asBoolean(), answer.toString());
                        assertEquals(++seq, answer.path("result").path("seq").asLong());
                    }
                }
            }
        }
    }

    @Test
    void syncReturnsWhatWasMissedInOrderWithCompleteFlag() {
        String a = user(), b = user();
        String room = directRoom(a, b);
        for (int i = 1; i <= 5; i++) {
            post(TestTokens.forUser(a), "/api/rooms/" + room + "/messages", Map.of("clientMsgId", "s" + i, "text", "m" + i))
                    .then().statusCode(201);
        }
        post(TestTokens.forUser(b), "/api/sync", Map.of("rooms", Map.of(room, 2)))
                .then().statusCode(200)
                .body("rooms." + room + ".messages.seq", equalTo(List.of(3, 4, 5)))
                .body("rooms." + room + ".complete", equalTo(true));
        // a stranger learns nothing
        post(TestTokens.forUser(user()), "/api/sync", Map.of("rooms", Map.of(room, 0)))
                .then().statusCode(200).body("rooms.size()", equalTo(0));
        post(TestTokens.forUser(b), "/api/sync", Map.of("rooms", Map.of(room, -1)))
                .then().statusCode(400).body("code", equalTo("bad_request"));
        // the room list shows it with the unread count and the last message
        given().auth().oauth2(TestTokens.forUser(b)).get("/api/rooms").then().statusCode(200)
                .body("items[0].id", equalTo(room)).body("items[0].unread", equalTo(5))
                .body("items[0].lastMessage.text", equalTo("m5"));
    }
}

package io.chat.message;

import io.chat.contracts.ChatCommand;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Origin;
import io.chat.contracts.Topics;
import io.chat.contracts.UserEvent;
import io.chat.message.service.RoomService;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.PreparedQuery;
import io.vertx.mutiny.sqlclient.Query;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4 against the real PostgreSQL and Kafka: commands (edit, delete, reactions, receipts) and
 * their replays, the permission matrix, membership and roles, support, threads/edits/pins/drafts,
 * search, retention, erasure and export, and the query count of the room list.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class RoomFeaturesTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    RoomService roomService;

    static String user() {
        return UUID.randomUUID().toString();
    }

    static RequestSpecification as(String user, String... groups) {
        return given().auth().oauth2(TestTokens.forUser(user, groups)).contentType(ContentType.JSON);
    }

    static String room(String owner, String kind, String name, List<String> members) {
        return as(owner).body(name == null ? Map.of("kind", kind, "members", members) : Map.of("kind", kind, "name", name, "members", members))
                .post("/api/rooms").then().statusCode(201).extract().path("id");
    }

    static String send(String user, String room, String text) {
        return as(user).body(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", text))
                .post("/api/rooms/" + room + "/messages").then().statusCode(201).extract().path("msgId");
    }

    static Envelope command(KafkaTestClient kafka, String type, String user, String room, String commandId, String msgId,
            String text, String emoji, Long seq) {
        ChatCommand c = new ChatCommand(new Origin("gw-test", "s-1", commandId), user, List.of("user"), room, null, text, null, null,
                msgId, emoji, seq);
        Envelope e = new Envelope(UUID.randomUUID().toString(), type, Instant.now(), 1, KafkaTestClient.JSON.valueToTree(c));
        kafka.sendEnvelope(Topics.CHAT_COMMANDS, room, e);
        return e;
    }

    static Envelope result(KafkaTestClient kafka, String commandId) {
        return kafka.await(WAIT, e -> e.type().equals(EventTypes.COMMAND_RESULT)
                && commandId.equals(e.payload().path("origin").path("commandId").asText()));
    }

    static Envelope event(KafkaTestClient kafka, String type, String room) {
        return kafka.await(WAIT, e -> e.type().equals(type) && room.equals(e.payload().path("room").asText()));
    }

    static void assertNone(KafkaTestClient kafka, String type, String room) {
        List<Envelope> later = kafka.drain(Duration.ofMillis(700));
        assertTrue(later.stream().noneMatch(e -> e.type().equals(type) && room.equals(e.payload().path("room").asText())),
                "unexpected " + type);
    }

    // ---------------------------------------------------------------- commands and replays

    @Test
    void editDeleteReactionAndReceiptCommandsAreAnsweredOnceAndReplaysChangeNothing() {
        String a = user(), b = user();
        String room = room(a, "direct", null, List.of(b));
        String msg = send(a, room, "first");
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            // edit by the author: message.edited, and the ack fields in the result
            Envelope edit = command(kafka, EventTypes.MESSAGE_EDIT, a, room, "e-1", msg, "second", null, null);
            Envelope edited = event(kafka, EventTypes.MESSAGE_EDITED, room);
            assertEquals("second", edited.payload().path("text").asText());
            assertEquals(1, edited.payload().path("seq").asLong());
            Envelope editResult = result(kafka, "e-1");
            assertTrue(editResult.payload().path("ok").asBoolean());
            String editedAt = editResult.payload().path("result").path("editedAt").asText();
            assertEquals(edited.payload().path("editedAt").asText(), editedAt);
            // the same record redelivered: answered again with the same editedAt, no second event, no second version
            kafka.sendEnvelope(Topics.CHAT_COMMANDS, room, edit);
            assertEquals(editedAt, result(kafka, "e-1").payload().path("result").path("editedAt").asText());
            assertNone(kafka, EventTypes.MESSAGE_EDITED, room);
            as(b).get("/api/rooms/" + room + "/messages/" + msg + "/history").then().statusCode(200)
                    .body("items.text", equalTo(List.of("first", "second")));
            // only the author edits
            command(kafka, EventTypes.MESSAGE_EDIT, b, room, "e-2", msg, "hijack", null, null);
            assertEquals("forbidden", result(kafka, "e-2").payload().path("code").asText());

            // reactions: one per user per emoji, the full user list each time
            command(kafka, EventTypes.REACTION_ADD, a, room, "r-1", msg, null, "👍", null);
            assertEquals(List.of(a), users(event(kafka, EventTypes.REACTION_UPDATED, room)));
            Envelope add = command(kafka, EventTypes.REACTION_ADD, b, room, "r-2", msg, null, "👍", null);
            assertEquals(List.of(a, b), users(event(kafka, EventTypes.REACTION_UPDATED, room)));
            result(kafka, "r-2");
            kafka.sendEnvelope(Topics.CHAT_COMMANDS, room, add);
            assertTrue(result(kafka, "r-2").payload().path("ok").asBoolean());
            assertNone(kafka, EventTypes.REACTION_UPDATED, room);
            command(kafka, EventTypes.REACTION_REMOVE, a, room, "r-3", msg, null, "👍", null);
            assertEquals(List.of(b), users(event(kafka, EventTypes.REACTION_UPDATED, room)));
            command(kafka, EventTypes.REACTION_ADD, a, room, "r-4", msg, null, "not an emoji", null);
            assertEquals("bad_request", result(kafka, "r-4").payload().path("code").asText());
            as(a).get("/api/rooms/" + room + "/messages").then().statusCode(200)
                    .body("items[0].reactions.'👍'", equalTo(List.of(b)));

            // receipts: a seq beyond the last one is clamped; pointers never go back; read implies delivered
            command(kafka, EventTypes.RECEIPT_READ, b, room, "p-1", null, null, null, 99L);
            Envelope receipt = event(kafka, EventTypes.RECEIPT_UPDATED, room);
            assertEquals(b, receipt.payload().path("user").asText());
            assertEquals(1, receipt.payload().path("read").asLong());
            assertEquals(1, receipt.payload().path("delivered").asLong());
            assertFalse(receipt.payload().path("readPrivate").asBoolean());
            result(kafka, "p-1");
            command(kafka, EventTypes.RECEIPT_READ, b, room, "p-2", null, null, null, 0L);
            assertTrue(result(kafka, "p-2").payload().path("ok").asBoolean());
            assertNone(kafka, EventTypes.RECEIPT_UPDATED, room);
            // b hides read receipts: the next receipt says so
            as(b).body(Map.of("readReceiptsPrivate", true)).put("/api/rooms/receipt-privacy").then().statusCode(200)
                    .body("readReceiptsPrivate", equalTo(true));
            send(a, room, "third");
            command(kafka, EventTypes.RECEIPT_DELIVERED, b, room, "p-3", null, null, null, 2L);
            Envelope hidden = event(kafka, EventTypes.RECEIPT_UPDATED, room);
            assertEquals(2, hidden.payload().path("delivered").asLong());
            assertEquals(1, hidden.payload().path("read").asLong());
            assertTrue(hidden.payload().path("readPrivate").asBoolean());
            as(b).get("/api/rooms").then().body("items.find { it.id == '" + room + "' }.unread", equalTo(1));

            // delete: not by the other member of a direct room; by the author, once
            command(kafka, EventTypes.MESSAGE_DELETE, b, room, "d-1", msg, null, null, null);
            assertEquals("forbidden", result(kafka, "d-1").payload().path("code").asText());
            Envelope delete = command(kafka, EventTypes.MESSAGE_DELETE, a, room, "d-2", msg, null, null, null);
            Envelope deleted = event(kafka, EventTypes.MESSAGE_DELETED, room);
            assertEquals(msg, deleted.payload().path("msgId").asText());
            assertEquals(1, deleted.payload().path("seq").asLong());
            assertTrue(deleted.payload().path("text").isMissingNode());
            assertTrue(result(kafka, "d-2").payload().path("ok").asBoolean());
            kafka.sendEnvelope(Topics.CHAT_COMMANDS, room, delete);
            assertTrue(result(kafka, "d-2").payload().path("ok").asBoolean());
            assertNone(kafka, EventTypes.MESSAGE_DELETED, room);
            command(kafka, EventTypes.MESSAGE_EDIT, a, room, "e-3", msg, "back", null, null);
            assertEquals("conflict", result(kafka, "e-3").payload().path("code").asText());
        }
        // the tombstone keeps its seq, loses text, reactions and edit history
        as(b).get("/api/rooms/" + room + "/messages").then().statusCode(200)
                .body("items.seq", equalTo(List.of(1, 2)))
                .body("items[0].deleted", equalTo(true)).body("items[0].text", nullValue())
                .body("items[0].reactions", nullValue());
        as(b).get("/api/rooms/" + room + "/messages/" + msg + "/history").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    static List<String> users(Envelope e) {
        List<String> out = new ArrayList<>();
        e.payload().path("users").forEach(u -> out.add(u.asText()));
        return out;
    }

    // ---------------------------------------------------------------- permission matrix

    enum Actor { NON_MEMBER, MEMBER, ADMIN, OWNER, STAFF }

    /** A group room: owner, admin, member, and an author (a member) who wrote one message. */
    record Fixture(String room, String owner, String admin, String member, String author, String msgId, String stranger,
            String staff) {
        static Fixture create() {
            String owner = user(), admin = user(), member = user(), author = user();
            String room = RoomFeaturesTest.room(owner, "group", "matrix", List.of(admin, member, author));
            RoomFeaturesTest.as(owner).body(Map.of("role", "admin")).patch("/api/rooms/" + room + "/members/" + admin).then().statusCode(200);
            String msg = send(author, room, "the author's message");
            return new Fixture(room, owner, admin, member, author, msg, user(), user());
        }

        RequestSpecification as(Actor actor) {
            return switch (actor) {
                case NON_MEMBER -> RoomFeaturesTest.as(stranger);
                case MEMBER -> RoomFeaturesTest.as(member);
                case ADMIN -> RoomFeaturesTest.as(admin);
                case OWNER -> RoomFeaturesTest.as(owner);
                case STAFF -> RoomFeaturesTest.as(staff, "user", "staff");
            };
        }

        String base() {
            return "/api/rooms/" + room;
        }
    }

    static final Map<String, BiFunction<Fixture, RequestSpecification, Response>> OPERATIONS = Map.ofEntries(
            Map.entry("view room", (f, r) -> r.get(f.base())),
            Map.entry("read history", (f, r) -> r.get(f.base() + "/messages")),
            Map.entry("read thread", (f, r) -> r.get(f.base() + "/messages/" + f.msgId() + "/thread")),
            Map.entry("send", (f, r) -> r.body(Map.of("clientMsgId", "m", "text", "hi")).post(f.base() + "/messages")),
            Map.entry("edit other's message", (f, r) -> r.body(Map.of("text", "x")).patch(f.base() + "/messages/" + f.msgId())),
            Map.entry("delete other's message", (f, r) -> r.delete(f.base() + "/messages/" + f.msgId())),
            Map.entry("react", (f, r) -> r.put(f.base() + "/messages/" + f.msgId() + "/reactions/👍")),
            Map.entry("add member", (f, r) -> r.body(Map.of("userId", user())).post(f.base() + "/members")),
            Map.entry("kick member", (f, r) -> r.delete(f.base() + "/members/" + f.author())),
            Map.entry("change role", (f, r) -> r.body(Map.of("role", "admin")).patch(f.base() + "/members/" + f.author())),
            Map.entry("rename", (f, r) -> r.body(Map.of("name", "renamed")).patch(f.base())),
            Map.entry("set retention", (f, r) -> r.body(Map.of("retention", 86400)).patch(f.base())),
            Map.entry("archive", (f, r) -> r.body(Map.of("status", "archived")).patch(f.base())),
            Map.entry("pin", (f, r) -> r.post(f.base() + "/pins/" + f.msgId())),
            Map.entry("read audit", (f, r) -> r.get(f.base() + "/audit")),
            Map.entry("close", (f, r) -> r.post(f.base() + "/close")),
            Map.entry("write draft", (f, r) -> r.body(Map.of("text", "later")).put(f.base() + "/draft")));

    /** Expected status per operation for NON_MEMBER, MEMBER, ADMIN, OWNER, STAFF (staff are nobody in a group room). */
    static Stream<Arguments> matrix() {
        Map<String, int[]> expected = Map.ofEntries(
                Map.entry("view room", new int[] {404, 200, 200, 200, 404}),
                Map.entry("read history", new int[] {404, 200, 200, 200, 404}),
                Map.entry("read thread", new int[] {404, 200, 200, 200, 404}),
                Map.entry("send", new int[] {404, 201, 201, 201, 404}),
                Map.entry("edit other's message", new int[] {404, 403, 403, 403, 404}),
                Map.entry("delete other's message", new int[] {404, 403, 200, 200, 404}),
                Map.entry("react", new int[] {404, 200, 200, 200, 404}),
                Map.entry("add member", new int[] {404, 403, 200, 200, 404}),
                Map.entry("kick member", new int[] {404, 403, 204, 204, 404}),
                Map.entry("change role", new int[] {404, 403, 403, 200, 404}),
                Map.entry("rename", new int[] {404, 403, 200, 200, 404}),
                Map.entry("set retention", new int[] {404, 403, 403, 200, 404}),
                Map.entry("archive", new int[] {404, 403, 403, 200, 404}),
                Map.entry("pin", new int[] {404, 403, 204, 204, 404}),
                Map.entry("read audit", new int[] {404, 403, 200, 200, 404}),
                Map.entry("close", new int[] {404, 403, 403, 403, 404}),
                Map.entry("write draft", new int[] {404, 200, 200, 200, 404}));
        assertEquals(OPERATIONS.keySet(), expected.keySet());
        List<Arguments> out = new ArrayList<>();
        expected.forEach((op, statuses) -> {
            for (Actor a : Actor.values()) {
                out.add(Arguments.of(op, a, statuses[a.ordinal()]));
            }
        });
        return out.stream().sorted((x, y) -> (x.get()[0] + "" + x.get()[1]).compareTo(y.get()[0] + "" + y.get()[1]));
    }

    @ParameterizedTest(name = "{0} by {1} -> {2}")
    @MethodSource("matrix")
    void permissionMatrix(String operation, Actor actor, int status) {
        Fixture f = Fixture.create(); // fresh room each time: no operation sees another's effects
        Response r = OPERATIONS.get(operation).apply(f, f.as(actor));
        assertEquals(status, r.statusCode(), operation + " by " + actor + ": " + r.asString());
        if (status == 404) {
            assertEquals("not_found", r.path("code"));
        } else if (status == 403) {
            assertEquals("forbidden", r.path("code"));
        }
    }

    @Test
    void supportRoomMatrixStaffModerateTheCustomerDoesNot() {
        String customer = user(), staff = user(), other = user();
        String room = room(customer, "support", null, List.of());
        String msg = send(customer, room, "help");
        String base = "/api/rooms/" + room;
        as(other).get(base).then().statusCode(404);
        as(staff, "staff").get(base).then().statusCode(200);
        as(staff, "admin").get(base + "/messages").then().statusCode(200).body("items", hasSize(1));
        as(customer).post(base + "/close").then().statusCode(403);
        as(customer).body(Map.of("userId", other)).post(base + "/members").then().statusCode(403);
        as(customer).body(Map.of("name", "x")).patch(base).then().statusCode(403);
        as(staff, "staff").get(base + "/audit").then().statusCode(200);
        as(customer).get(base + "/audit").then().statusCode(403);
        as(staff, "staff").post(base + "/pins/" + msg).then().statusCode(204);
        as(staff, "staff").delete(base + "/messages/" + msg).then().statusCode(200);
        as(staff, "staff").get(base + "/audit").then().statusCode(200)
                .body("items.action", hasItem("message.delete")).body("items.action", hasItem("message.pin"));
    }

    // ---------------------------------------------------------------- membership and roles

    @Test
    void membershipRolesOwnershipAndChannels() {
        String owner = user(), admin1 = user(), admin2 = user(), member = user(), newcomer = user();
        String room = room(owner, "group", "team", List.of(member, admin1, admin2));
        String base = "/api/rooms/" + room;
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            as(owner).body(Map.of("role", "admin")).patch(base + "/members/" + admin1).then().statusCode(200);
            as(owner).body(Map.of("role", "admin")).patch(base + "/members/" + admin2).then().statusCode(200);
            // an admin may add and remove plain members, not other admins
            as(admin1).body(Map.of("members", List.of(newcomer))).post(base + "/members").then().statusCode(200)
                    .body("members.userId", hasItem(newcomer));
            Envelope joined = event(kafka, EventTypes.MEMBER_JOINED, room);
            assertEquals(newcomer, joined.payload().path("userId").asText());
            assertEquals(5, joined.payload().path("members").size(), "member.joined carries the full member list");
            as(admin1).delete(base + "/members/" + admin2).then().statusCode(403);
            as(admin1).delete(base + "/members/" + newcomer).then().statusCode(204);
            Envelope left = event(kafka, EventTypes.MEMBER_LEFT, room);
            assertEquals(newcomer, left.payload().path("userId").asText());
            assertEquals(4, left.payload().path("members").size());
            as(owner).body(Map.of("role", "boss")).patch(base + "/members/" + member).then().statusCode(400);
        }
        // the last owner leaving: the oldest admin (by joining time) becomes owner
        as(owner).delete(base + "/members/" + owner).then().statusCode(204);
        Response view = as(member).get(base);
        view.then().statusCode(200);
        Map<String, String> roles = roles(view);
        assertEquals(3, roles.size());
        assertEquals(1, roles.values().stream().filter("owner"::equals).count());
        String promoted = roles.entrySet().stream().filter(e -> e.getValue().equals("owner")).findFirst().orElseThrow().getKey();
        assertTrue(promoted.equals(admin1) || promoted.equals(admin2), "an admin, not the member, is promoted");
        // ownership transfer: the new owner becomes admin
        as(promoted).body(Map.of("role", "owner")).patch(base + "/members/" + member).then().statusCode(200);
        Map<String, String> after = roles(as(member).get(base));
        assertEquals("owner", after.get(member));
        assertEquals("admin", after.get(promoted));
        // only admins left after everyone else goes: the room still has an owner
        as(member).delete(base + "/members/" + member).then().statusCode(204);
        assertEquals(1, roles(as(admin1).get(base)).values().stream().filter("owner"::equals).count());
        as(owner).get(base + "/audit").then().statusCode(404); // the former owner left: the room is gone from view
        as(admin1).get(base + "/audit").then().statusCode(200).body("items.action", hasItem("owner.promote"));

        // channels: listed for discovery, anyone joins themself, non-members see the room but not its messages
        String chOwner = user(), walker = user();
        String channel = room(chOwner, "channel", "announcements " + UUID.randomUUID(), List.of());
        send(chOwner, channel, "welcome");
        as(walker).get("/api/rooms/" + channel).then().statusCode(200);
        as(walker).get("/api/rooms/" + channel + "/messages").then().statusCode(403);
        as(walker).get("/api/rooms?discover=channels&limit=100").then().statusCode(200)
                .body("items.find { it.id == '" + channel + "' }.joined", equalTo(false));
        as(walker).body(Map.of("userId", walker)).post("/api/rooms/" + channel + "/members").then().statusCode(200)
                .body("members.userId", hasItem(walker));
        as(walker).get("/api/rooms/" + channel + "/messages").then().statusCode(200).body("items", hasSize(1));
        as(walker).body(Map.of("userId", user())).post("/api/rooms/" + channel + "/members").then().statusCode(403);
        // a direct room cannot be joined, added to or left
        String a = user(), b = user();
        String direct = room(a, "direct", null, List.of(b));
        as(a).body(Map.of("userId", user())).post("/api/rooms/" + direct + "/members").then().statusCode(403);
        as(a).delete("/api/rooms/" + direct + "/members/" + a).then().statusCode(403);
        // archive makes the room read-only until restored; rename while archived is refused
        as(chOwner).body(Map.of("status", "archived")).patch("/api/rooms/" + channel).then().statusCode(200)
                .body("status", equalTo("archived"));
        as(walker).body(Map.of("clientMsgId", "z", "text", "x")).post("/api/rooms/" + channel + "/messages").then().statusCode(403);
        as(chOwner).body(Map.of("name", "new")).patch("/api/rooms/" + channel).then().statusCode(403);
        as(chOwner).body(Map.of("status", "open", "name", "new")).patch("/api/rooms/" + channel).then().statusCode(200)
                .body("name", equalTo("new")).body("status", equalTo("open"));
    }

    static Map<String, String> roles(Response room) {
        Map<String, String> out = new java.util.HashMap<>();
        List<Map<String, String>> members = room.path("members");
        members.forEach(m -> out.put(m.get("userId"), m.get("role")));
        return out;
    }

    // ---------------------------------------------------------------- support

    @Test
    void supportFlowOpenStaffReplyCloseReadOnlyAndOneOpenRoomPerCustomer() {
        String customer = user(), staff = user();
        String room = room(customer, "support", null, List.of());
        as(customer).body(Map.of("kind", "support", "members", List.of())).post("/api/rooms").then().statusCode(409)
                .body("code", equalTo("conflict"));
        // the queue: staff only, oldest first, cursor-paged
        as(customer).get("/api/support/rooms").then().statusCode(403);
        List<String> queue = new ArrayList<>();
        List<String> created = new ArrayList<>();
        String cursor = null;
        do {
            Response page = as(staff, "staff").queryParam("status", "open").queryParam("limit", 50)
                    .queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor)).get("/api/support/rooms");
            page.then().statusCode(200);
            queue.addAll(page.path("items.id"));
            created.addAll(page.path("items.createdAt"));
            cursor = page.path("next");
        } while (cursor != null);
        assertTrue(queue.contains(room));
        List<Instant> times = created.stream().map(Instant::parse).toList();
        assertEquals(times.stream().sorted().toList(), times, "oldest first");
        assertEquals(queue.size(), new java.util.HashSet<>(queue).size(), "no room twice across pages");

        send(customer, room, "my order is late");
        as(staff, "staff").body(Map.of("clientMsgId", "s-1", "text", "looking into it")).post("/api/rooms/" + room + "/messages")
                .then().statusCode(201); // staff answer and thereby join
        as(customer).get("/api/rooms/" + room).then().body("members.userId", hasItem(staff));
        as(staff, "staff").post("/api/rooms/" + room + "/close").then().statusCode(200).body("status", equalTo("closed"));
        as(staff, "staff").post("/api/rooms/" + room + "/close").then().statusCode(200); // twice: no change
        as(customer).body(Map.of("clientMsgId", "late", "text", "hello?")).post("/api/rooms/" + room + "/messages")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        as(staff, "staff").body(Map.of("clientMsgId", "late", "text", "bye")).post("/api/rooms/" + room + "/messages")
                .then().statusCode(403);
        as(customer).get("/api/rooms/" + room + "/messages").then().statusCode(200).body("items", hasSize(2));
        as(staff, "staff").get("/api/support/rooms?status=open&limit=100").then().body("items.id", not(hasItem(room)));
        // closed: the customer may open a new one
        room(customer, "support", null, List.of());
    }

    // ---------------------------------------------------------------- threads, edits, pins, drafts

    @Test
    void threadsEditHistoryPinsAndDrafts() {
        String a = user(), b = user();
        String room = room(a, "direct", null, List.of(b));
        String base = "/api/rooms/" + room;
        String root = send(a, room, "root");
        for (int i = 1; i <= 3; i++) {
            as(b).body(Map.of("clientMsgId", "t" + i, "text", "reply " + i, "threadRoot", root)).post(base + "/messages")
                    .then().statusCode(201);
        }
        send(a, room, "not in the thread");
        Response first = as(a).get(base + "/messages/" + root + "/thread?limit=2");
        first.then().statusCode(200).body("root.text", equalTo("root")).body("items.text", equalTo(List.of("reply 1", "reply 2")));
        as(a).queryParam("cursor", (String) first.path("next")).get(base + "/messages/" + root + "/thread?limit=2")
                .then().body("items.text", equalTo(List.of("reply 3"))).body("next", nullValue());

        as(a).body(Map.of("text", "root v2")).patch(base + "/messages/" + root).then().statusCode(200)
                .body("editedAt", not(nullValue()));
        as(a).body(Map.of("text", "root v3")).patch(base + "/messages/" + root).then().statusCode(200);
        as(b).get(base + "/messages/" + root + "/history").then().statusCode(200)
                .body("items.text", equalTo(List.of("root", "root v2", "root v3")))
                .body("items[2].until", nullValue());

        as(b).post(base + "/pins/" + root).then().statusCode(204);
        as(b).post(base + "/pins/" + root).then().statusCode(204);
        as(a).get(base + "/pins").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].message.msgId", equalTo(root)).body("items[0].pinnedBy", equalTo(b));
        as(a).delete(base + "/pins/" + root).then().statusCode(204);
        as(a).get(base + "/pins").then().body("items", hasSize(0));

        as(a).get(base + "/draft").then().statusCode(404);
        as(a).body(Map.of("text", "half a thought")).put(base + "/draft").then().statusCode(200);
        as(a).get(base + "/draft").then().statusCode(200).body("text", equalTo("half a thought"));
        as(b).get(base + "/draft").then().statusCode(404); // drafts are private
        as(a).delete(base + "/draft").then().statusCode(204);
        as(a).get(base + "/draft").then().statusCode(404);
    }

    // ---------------------------------------------------------------- search

    @Test
    void searchRanksAndSeesOnlyTheCallersRooms() {
        String u = user(), v = user(), w = user();
        String word = "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String r1 = room(u, "group", "one", List.of(v));
        String r2 = room(u, "group", "two", List.of());
        String foreign = room(w, "group", "three", List.of());
        String weak = send(u, r1, "quarterly " + word + " draft with many other words around it here");
        String strong = send(v, r1, word + " " + word + " " + word + " final");
        send(u, r2, "lunch menu");
        send(w, foreign, "secret " + word);
        String gone = send(u, r1, word + " to be deleted");
        as(u).delete("/api/rooms/" + r1 + "/messages/" + gone).then().statusCode(200);

        as(u).queryParam("q", word).get("/api/search").then().statusCode(200)
                .body("items.msgId", equalTo(List.of(strong, weak)))
                .body("items[0].room", equalTo(r1));
        as(u).queryParam("q", word).queryParam("limit", 1).get("/api/search").then()
                .body("items.msgId", equalTo(List.of(strong))).body("next", not(nullValue()));
        String next = as(u).queryParam("q", word).queryParam("limit", 1).get("/api/search").path("next");
        as(u).queryParam("q", word).queryParam("limit", 1).queryParam("cursor", next).get("/api/search").then()
                .body("items.msgId", equalTo(List.of(weak))).body("next", nullValue());
        as(u).queryParam("q", "\"quarterly " + word + "\"").get("/api/search").then().body("items.msgId", equalTo(List.of(weak)));
        as(u).queryParam("q", word + " -final").get("/api/search").then().body("items.msgId", equalTo(List.of(weak)));
        as(u).queryParam("q", word).queryParam("room", r2).get("/api/search").then().body("items", hasSize(0));
        as(u).queryParam("q", word).queryParam("room", foreign).get("/api/search").then().body("items", hasSize(0));
        as(w).queryParam("q", word).get("/api/search").then().body("items", hasSize(1)).body("items[0].room", equalTo(foreign));
        as(u).get("/api/search").then().statusCode(400);
    }

    // ---------------------------------------------------------------- retention

    @Test
    void retentionTurnsExpiredMessagesIntoTombstonesAndPublishesDeletes() {
        String owner = user();
        String room = room(owner, "group", "ephemeral", List.of());
        String keep = room(owner, "group", "permanent", List.of());
        send(owner, keep, "stays");
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            List<String> sent = List.of(send(owner, room, "one"), send(owner, room, "two"), send(owner, room, "three"));
            as(owner).body(Map.of("retention", 1)).patch("/api/rooms/" + room).then().statusCode(200)
                    .body("retentionSeconds", equalTo(1));
            List<String> deleted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Envelope e = kafka.await(WAIT, x -> x.type().equals(EventTypes.MESSAGE_DELETED) && room.equals(x.payload().path("room").asText()));
                deleted.add(e.payload().path("msgId").asText());
            }
            assertEquals(new java.util.HashSet<>(sent), new java.util.HashSet<>(deleted));
        }
        as(owner).get("/api/rooms/" + room + "/messages").then().statusCode(200)
                .body("items.seq", equalTo(List.of(1, 2, 3))).body("items.deleted", equalTo(List.of(true, true, true)))
                .body("items.text", equalTo(java.util.Arrays.asList(null, null, null)));
        as(owner).get("/api/rooms/" + keep + "/messages").then().body("items[0].text", equalTo("stays"));
        as(owner).get("/api/rooms/" + room + "/audit").then().body("items[0].action", equalTo("room.retention"))
                .body("items[0].detail", equalTo("1s"));
        // back to permanent: new messages stay
        as(owner).body(Map.of("retention", "permanent")).patch("/api/rooms/" + room).then().statusCode(200)
                .body("retentionSeconds", nullValue());
        as(owner).body(Map.of("retention", 0)).patch("/api/rooms/" + room).then().statusCode(400);
    }

    // ---------------------------------------------------------------- erasure and export

    @Test
    void userDeletedErasesMessagesMembershipsReactionsAndDrafts() {
        String gone = user(), admin = user(), member = user();
        String group = room(gone, "group", "erasure", List.of(member, admin));
        as(gone).body(Map.of("role", "admin")).patch("/api/rooms/" + group + "/members/" + admin).then().statusCode(200);
        String direct = room(gone, "direct", null, List.of(member));
        String m1 = send(gone, group, "mine");
        String theirs = send(member, group, "theirs");
        send(gone, direct, "private words");
        as(gone).put("/api/rooms/" + group + "/messages/" + theirs + "/reactions/🎉").then().statusCode(200);
        as(gone).body(Map.of("text", "unsent")).put("/api/rooms/" + group + "/draft").then().statusCode(200);
        as(gone).get("/api/messages/export?limit=1").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].msgId", equalTo(m1)).body("next", not(nullValue()));
        String next = as(gone).get("/api/messages/export?limit=1").path("next");
        as(gone).queryParam("cursor", next).get("/api/messages/export?limit=1").then()
                .body("items[0].text", equalTo("private words")).body("next", nullValue());

        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            kafka.send(Topics.USER_EVENTS, gone, EventTypes.USER_DELETED, new UserEvent(gone, null, null, null, null, null));
            // user.events is shared with every other service's tests: allow for a backlog before ours
            Envelope left = kafka.await(Duration.ofSeconds(90),
                    e -> e.type().equals(EventTypes.MEMBER_LEFT) && group.equals(e.payload().path("room").asText()));
            assertEquals(gone, left.payload().path("userId").asText());
            List<String> remaining = new ArrayList<>();
            left.payload().path("members").forEach(m -> remaining.add(m.path("userId").asText() + ":" + m.path("role").asText()));
            assertTrue(remaining.contains(admin + ":owner"), "the admin inherits the room: " + remaining);
            event(kafka, EventTypes.MEMBER_LEFT, direct);
            Envelope reaction = event(kafka, EventTypes.REACTION_UPDATED, group);
            assertEquals(0, reaction.payload().path("users").size());
        }
        as(member).get("/api/rooms/" + group + "/messages").then().statusCode(200)
                .body("items[0].sender", equalTo("deleted")).body("items[0].deleted", equalTo(true))
                .body("items[0].text", nullValue()).body("items[1].text", equalTo("theirs"))
                .body("items[1].reactions", nullValue());
        as(member).get("/api/rooms/" + direct + "/messages").then().body("items[0].sender", equalTo("deleted"));
        // the deleted account's still-unexpired token is refused outright
        as(gone).get("/api/rooms/" + group).then().statusCode(401).body("code", equalTo("unauthorized"));
        as(gone).get("/api/messages/export").then().statusCode(401);
        as(gone).get("/api/rooms").then().statusCode(401);
    }

    // ---------------------------------------------------------------- query count

    /** Counts the statements RoomService sends through its pool while the test runs. */
    static final class CountingPool extends Pool {
        final List<String> statements = new CopyOnWriteArrayList<>();

        CountingPool(Pool real) {
            super((io.vertx.sqlclient.Pool) real.getDelegate());
        }

        @Override
        public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
            statements.add(sql);
            return super.preparedQuery(sql);
        }

        @Override
        public Query<RowSet<Row>> query(String sql) {
            statements.add(sql);
            return super.query(sql);
        }
    }

    @Test
    void roomListCostsTwoQueriesWhateverTheNumberOfRooms() throws Exception {
        String u = user();
        room(u, "group", "only", List.of(user()));
        RoomService target = ClientProxy.unwrap(roomService);
        Field field = RoomService.class.getDeclaredField("pool");
        field.setAccessible(true);
        Pool real = (Pool) field.get(target);
        CountingPool counting = new CountingPool(real);
        field.set(target, counting);
        try {
            as(u).get("/api/rooms").then().statusCode(200).body("items", hasSize(1));
            assertEquals(2, counting.statements.size(), counting.statements.toString());
            for (int i = 0; i < 15; i++) {
                String r = room(u, "group", "room " + i, List.of(user(), user()));
                send(u, r, "hello " + i);
            }
            counting.statements.clear();
            Response list = as(u).get("/api/rooms?limit=100");
            list.then().statusCode(200).body("items", hasSize(16)).body("items[0].lastMessage.text", equalTo("hello 14"))
                    .body("items[0].members", hasSize(3));
            assertEquals(2, counting.statements.size(), counting.statements.toString());
            assertNotNull(counting.statements.get(0));
        } finally {
            field.set(target, real);
        }
    }
}

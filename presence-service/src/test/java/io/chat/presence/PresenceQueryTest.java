package io.chat.presence;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Member;
import io.chat.contracts.RoomChanged;
import io.chat.contracts.Topics;
import io.chat.contracts.UserEvent;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.chat.presence.Signals.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/presence and its privacy rules, the lastSeen setting, erasure, health and metrics. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class PresenceQueryTest {
    static KafkaTestClient kafka;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient(Topics.PRESENCE_EVENTS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static void room(String type, String room, String... members) {
        chatEvent(room, type, new RoomChanged(room, "group", "test", null,
                java.util.Arrays.stream(members).map(m -> new Member(m, "member")).toList()));
    }

    static Response query(String caller, String users) {
        return given().auth().oauth2(TestTokens.forUser(caller)).queryParam("users", users).when().get("/api/presence");
    }

    /** Polls the query until {@code ok} holds (membership events are consumed asynchronously). */
    static Map<String, Map<String, Object>> eventually(String caller, String users, Predicate<Map<String, Map<String, Object>>> ok) {
        long until = System.currentTimeMillis() + 10_000;
        Map<String, Map<String, Object>> items;
        do {
            Response r = query(caller, users);
            assertEquals(200, r.statusCode());
            List<Map<String, Object>> list = r.jsonPath().getList("items");
            items = list.stream().collect(Collectors.toMap(i -> (String) i.get("user"), i -> i));
            if (ok.test(items)) {
                return items;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        } while (System.currentTimeMillis() < until);
        throw new AssertionError("query never matched; last answer " + items);
    }

    @Test
    void onlyUsersSharingARoomAreReportedAndLastSeenCanBeHidden() {
        String a = id("a"), b = id("b"), stranger = id("c"), nobody = id("x"), r = id("room");
        String gw = liveGateway();
        room(EventTypes.ROOM_CREATED, r, a, b);
        connected(a, gw, "sa");
        connected(stranger, gw, "sc");
        awaitPresence(kafka, a, "online", Duration.ofSeconds(10));
        awaitPresence(kafka, stranger, "online", Duration.ofSeconds(10));

        String ids = a + "," + stranger + "," + nobody;
        Map<String, Map<String, Object>> items = eventually(b, ids, m -> m.containsKey(a) && "online".equals(m.get(a).get("status")));
        assertEquals(1, items.size(), "the stranger (online) and the unknown id are both simply omitted: " + items);
        assertNull(items.get(a).get("lastSeen"));

        disconnected(a, gw, "sa");
        Envelope offline = awaitPresence(kafka, a, "offline", Duration.ofSeconds(5));
        String lastSeen = offline.payload().path("lastSeen").asText();
        items = eventually(b, a, m -> m.containsKey(a) && "offline".equals(m.get(a).get("status")));
        assertEquals(lastSeen.substring(0, 19), ((String) items.get(a).get("lastSeen")).substring(0, 19));

        // a hides lastSeen: b stops seeing it, a still sees their own, the next offline event carries none
        given().auth().oauth2(TestTokens.forUser(a)).contentType(ContentType.JSON).body("{\"hideLastSeen\":true}")
                .when().put("/api/presence/settings").then().statusCode(200).body("hideLastSeen", equalTo(true));
        given().auth().oauth2(TestTokens.forUser(a)).when().get("/api/presence/settings")
                .then().statusCode(200).body("hideLastSeen", equalTo(true));
        assertNull(query(b, a).jsonPath().getMap("items[0]").get("lastSeen"));
        assertNotNull(query(a, a).jsonPath().getMap("items[0]").get("lastSeen"));
        connected(a, gw, "sa2");
        awaitPresence(kafka, a, "online", Duration.ofSeconds(5));
        disconnected(a, gw, "sa2");
        Envelope hidden = awaitPresence(kafka, a, "offline", Duration.ofSeconds(5));
        assertNull(hidden.payload().get("lastSeen"), "hidden lastSeen is not published either");

        // b leaves the room: a is no longer reported to b
        room(EventTypes.MEMBER_LEFT, r, a);
        eventually(b, a, Map::isEmpty);
        disconnected(stranger, gw, "sc");
    }

    @Test
    void everyForgedOrInvalidTokenIsRefusedWith401() {
        String caller = id("u");
        io.chat.testsupport.TokenAttacks.all(caller).forEach((attack, token) ->
                given().auth().oauth2(token).queryParam("users", caller).get("/api/presence").then().statusCode(401));
        given().queryParam("access_token", TestTokens.forUser(caller)).queryParam("users", caller).get("/api/presence")
                .then().statusCode(401);
        // and the same request with a valid token passes, so the refusals above are the tokens' doing
        given().auth().oauth2(TestTokens.forUser(caller)).queryParam("users", caller).get("/api/presence").then().statusCode(200);
    }

    @Test
    void theQueryIsCappedAndAuthenticated() {
        String caller = id("u");
        String many = IntStream.range(0, 101).mapToObj(i -> "u" + i).collect(Collectors.joining(","));
        query(caller, many).then().statusCode(400).body("code", equalTo("bad_request")).body("details.field", equalTo("users"));
        given().auth().oauth2(TestTokens.forUser(caller)).when().get("/api/presence")
                .then().statusCode(400).body("code", equalTo("bad_request"));
        given().queryParam("users", "a").when().get("/api/presence").then().statusCode(401);
        given().contentType(ContentType.JSON).body("{\"hideLastSeen\":true}").when().put("/api/presence/settings")
                .then().statusCode(401);
        given().auth().oauth2(TestTokens.forUser(caller)).contentType(ContentType.JSON).body("{}")
                .when().put("/api/presence/settings").then().statusCode(400).body("details.field", equalTo("hideLastSeen"));
    }

    @Test
    void userDeletedErasesEverythingAndLateSignalsAreIgnored() {
        String d = id("d"), b = id("b"), r = id("room"), gw = liveGateway();
        room(EventTypes.ROOM_CREATED, r, d, b);
        connected(d, gw, "sd");
        awaitPresence(kafka, d, "online", Duration.ofSeconds(10));
        given().auth().oauth2(TestTokens.forUser(d)).contentType(ContentType.JSON).body("{\"hideLastSeen\":true}")
                .when().put("/api/presence/settings").then().statusCode(200);
        eventually(b, d, m -> m.containsKey(d));

        userEvent(d, EventTypes.USER_DELETED, new UserEvent(d, null, null, null, null, null));
        Envelope gone = awaitPresence(kafka, d, "offline", Duration.ofSeconds(10));
        assertNull(gone.payload().get("lastSeen"));
        eventually(b, d, Map::isEmpty);
        List<String> left = redis.key().keys("pr:*" + d + "*");
        assertEquals(List.of("pr:deleted:" + d), left, "only the tombstone remains");
        assertFalse(redis.set(String.class).smembers("pr:members:" + r).contains(d));
        assertTrue(redis.set(String.class).smembers("pr:members:" + r).contains(b));

        java.time.Instant lateAt = java.time.Instant.now();
        connected(d, gw, "late"); // a signal that was in flight when the account was erased
        List<Envelope> late = eventsAbout(kafka, d, Duration.ofMillis(1000)).stream()
                .filter(e -> e.occurredAt().isAfter(lateAt)).toList();
        assertTrue(late.isEmpty(), "nothing is recreated for an erased user: " + late);
        assertEquals(List.of("pr:deleted:" + d), redis.key().keys("pr:*" + d + "*"));
    }

    @Test
    void healthAndMetricsAreExposed() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/started").then().statusCode(200);
        String user = id("u"), gw = liveGateway();
        connected(user, gw, "s");
        awaitPresence(kafka, user, "online", Duration.ofSeconds(10));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("chat_presence_online_users", "chat_presence_sockets",
                "chat_presence_signals_total{type=\"connected\"}", "chat_presence_events_published_total",
                "chat_presence_redis_roundtrips_total{source=\"signal\"}")) {
            assertTrue(metrics.contains(name), "metric " + name + " is exposed");
        }
        disconnected(user, gw, "s");
    }
}

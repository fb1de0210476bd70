package io.chat.notification;

import io.chat.contracts.EventTypes;
import io.chat.contracts.Topics;
import io.chat.contracts.UserEvent;
import io.chat.notification.repository.NotificationRepository;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Settings validation, the export part this service contributes, and erasure on user.deleted. */
@QuarkusTest
class SettingsAndPrivacyTest extends NotificationTestBase {

    @Test
    void everyForgedOrInvalidTokenIsRefusedWith401() {
        String user = id("u");
        io.chat.testsupport.TokenAttacks.all(user).forEach((attack, token) ->
                given().auth().oauth2(token).get("/api/notifications").then().statusCode(401));
        given().queryParam("access_token", TestTokens.forUser(user)).get("/api/notifications").then().statusCode(401);
        // the same request with a valid token passes, so the refusals above are the tokens' doing
        given().auth().oauth2(TestTokens.forUser(user)).get("/api/notifications").then().statusCode(200);
    }

    @Test
    void settingsHaveDefaultsAndAreValidatedFieldByField() {
        String bob = id("bob");
        String token = TestTokens.forUser(bob);
        given().auth().oauth2(token).get("/api/notification-settings").then().statusCode(200)
                .body("emailDigest", is(true)).body("previews", is(true)).body("readReceipts", is(true))
                .body("muted", is(false)).body("level", nullValue());

        given().auth().oauth2(token).contentType("application/json")
                .body("{\"level\":\"loud\",\"quietHours\":{\"start\":\"25:00\",\"end\":\"07:00\",\"timeZone\":\"Mars/Base\"},"
                        + "\"dndUntil\":\"tomorrow\",\"emailDigestIntervalMinutes\":0,\"rooms\":{\"r1\":{\"level\":\"x\"}},"
                        + "\"colour\":\"red\"}")
                .put("/api/notification-settings").then().statusCode(400)
                .body("type", equalTo("error")).body("code", equalTo("bad_request"))
                .body("details.level", notNullValue())
                .body("details.'quietHours.start'", notNullValue())
                .body("details.'quietHours.timeZone'", notNullValue())
                .body("details.dndUntil", notNullValue())
                .body("details.emailDigestIntervalMinutes", notNullValue())
                .body("details.'rooms.r1.level'", notNullValue())
                .body("details.colour", equalTo("unknown field"));

        given().auth().oauth2(token).contentType("application/json")
                .body("{\"level\":\"all\",\"emailDigestIntervalMinutes\":30,\"readReceipts\":false,"
                        + "\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\",\"timeZone\":\"Europe/Paris\"},"
                        + "\"rooms\":{\"r1\":{\"level\":\"none\",\"muted\":true}}}")
                .put("/api/notification-settings").then().statusCode(200);
        given().auth().oauth2(token).get("/api/notification-settings").then().statusCode(200)
                .body("level", equalTo("all")).body("emailDigestIntervalMinutes", is(30))
                .body("readReceipts", is(false)).body("quietHours.timeZone", equalTo("Europe/Paris"))
                .body("rooms.r1.muted", is(true)).body("rooms.r1.level", equalTo("none"));
    }

    @jakarta.inject.Inject
    io.chat.notification.repository.NotificationRepository notifications;

    /** A run reads its recipients before it records their decisions: an erasure committed in between wins. */
    @Test
    void aDecisionForAnAccountErasedMeanwhileIsNotRecorded() {
        String erased = id("erased");
        String kept = id("kept");
        String event = id("event");
        kafka.send(Topics.USER_EVENTS, erased, EventTypes.USER_DELETED, new UserEvent(erased, null, null, null, null, null));
        await(() -> count("select count(*) from deleted_users where user_id = $1", erased) == 1);
        java.util.List<NotificationRepository.Outcome> outcomes = java.util.List.of(erased, kept).stream()
                .map(u -> new NotificationRepository.Outcome(event, u, "notified", new NotificationRepository.NotificationRow(
                        java.util.UUID.randomUUID(), u, "message", id("room"), id("m"), 1L, id("sender"), "hi",
                        java.time.Instant.now(), null), true, "hi"))
                .toList();
        assertEquals(java.util.Set.of(kept), notifications.recordAll(outcomes).await().atMost(java.time.Duration.ofSeconds(10)));
        assertEquals(0, count("select count(*) from notifications where user_id = $1", erased));
        assertEquals(0, count("select count(*) from notification_decisions where user_id = $1", erased));
        assertEquals(1, count("select count(*) from notifications where user_id = $1", kept));
    }

    @Test
    void exportHoldsTheCallersDataAndUserDeletedErasesIt() {
        String alice = id("alice");
        String bob = id("bob");
        String token = TestTokens.forUser(bob);
        user(bob, bob + "@erase.test", "Europe/Paris");
        putSettings(bob, "{\"level\":\"all\"}");
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("endpoint", "https://push.example.test/" + bob,
                        "keys", Map.of("p256dh", "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
                                "auth", "tBHItJI5svbpez7KI4CCXg")))
                .post("/api/push/subscriptions").then().statusCode(201);
        String dm = id("dm");
        room(dm, "direct", alice, bob);
        String m = id("m");
        message(dm, m, 1, alice, "to be erased");
        awaitNotification(bob, m);

        given().auth().oauth2(token).get("/api/notifications/export").then().statusCode(200)
                .body("notifications", hasSize(1)).body("notifications[0].msgId", equalTo(m))
                .body("settings.level", equalTo("all"))
                .body("pushSubscriptions", hasSize(1))
                .body("pushSubscriptions[0].endpoint", equalTo("https://push.example.test/" + bob));

        kafka.send(Topics.USER_EVENTS, bob, EventTypes.USER_DELETED, new UserEvent(bob, null, null, null, null, null));
        // wait for the erasure's tombstone: "no users row" also holds before bob's registration was applied (the
        // user.events consumer may still be joining its group when this test runs first), and then nothing is erased
        await(() -> count("select count(*) from deleted_users where user_id = $1", bob) == 1);
        // the erased account's unexpired token is refused; the tables show nothing of it is left
        given().auth().oauth2(token).get("/api/notifications/export").then().statusCode(401).body("code", equalTo("unauthorized"));
        for (String table : new String[] {"notifications", "notification_settings", "push_subscriptions", "digest_items",
                "room_members", "notification_decisions", "read_pointers", "presence"}) {
            assertEquals(0, count("select count(*) from " + table + " where user_id = $1", bob), table);
        }
    }
}

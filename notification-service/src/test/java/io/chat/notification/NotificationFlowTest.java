package io.chat.notification;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Member;
import io.chat.contracts.PresenceChanged;
import io.chat.contracts.ReceiptUpdated;
import io.chat.contracts.RoomChanged;
import io.chat.contracts.Topics;
import io.chat.contracts.UserEvent;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** In-app notifications end to end: events in on the real Kafka, decisions in PostgreSQL, feed over REST. */
@QuarkusTest
class NotificationFlowTest extends NotificationTestBase {

    @Test
    void offlineRecipientGetsOneInAppNotificationPublishedAndListedEvenWhenRedelivered() {
        String alice = id("alice");
        String bob = id("bob");
        String room = id("dm");
        room(room, "direct", alice, bob);
        presence(bob, "offline");
        String msgId = id("m");
        Envelope first = message(room, msgId, 1, alice, "hello <b>bob</b>");

        Envelope live = awaitNotification(bob, msgId);
        assertEquals("message", live.payload().path("kind").asText());
        assertEquals(room, live.payload().path("room").asText());
        assertEquals(alice, live.payload().path("sender").asText());
        assertEquals("hello <b>bob</b>", live.payload().path("preview").asText());

        feed(bob).body("items", hasSize(1)).body("items[0].msgId", equalTo(msgId))
                .body("items[0].kind", equalTo("message")).body("items[0].read", is(false)).body("unread", is(1));
        // the sender is never notified about their own message
        feed(alice).body("items", hasSize(0)).body("unread", is(0));

        // redelivery of the same event: no second notification; a later message on the same partition proves
        // the duplicate was processed before we look
        kafka.sendEnvelope(Topics.CHAT_EVENTS, room, first);
        String msg2 = id("m");
        message(room, msg2, 2, alice, "second");
        awaitNotification(bob, msg2);
        feed(bob).body("items", hasSize(2)).body("items[0].msgId", equalTo(msg2)).body("unread", is(2));
        List<Envelope> more = kafka.drain(Duration.ofSeconds(1));
        assertTrue(more.stream().noneMatch(e -> msgId.equals(e.payload().path("msgId").asText())),
                "duplicate notification.created published for a redelivered event");
        assertEquals(1, count("select count(*) from notifications where user_id = $1 and msg_id = $2", bob, msgId));
    }

    @Test
    void feedIsCursorPagedAndReadStateChanges() {
        String alice = id("alice");
        String bob = id("bob");
        String room = id("dm");
        room(room, "direct", alice, bob);
        String last = null;
        for (int i = 1; i <= 3; i++) {
            last = id("m");
            message(room, last, i, alice, "message " + i);
        }
        awaitNotification(bob, last);
        var page1 = feed(bob).body("items", hasSize(3)).extract();
        String newest = page1.path("items[0].id");
        String oldest = page1.path("items[2].id");

        String token = TestTokens.forUser(bob);
        var p = given().auth().oauth2(token).queryParam("limit", 2).get("/api/notifications").then().statusCode(200)
                .body("items", hasSize(2)).body("items[0].id", equalTo(newest)).extract();
        String next = p.path("next");
        given().auth().oauth2(token).queryParam("limit", 2).queryParam("cursor", next).get("/api/notifications")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].id", equalTo(oldest))
                .body("next", is((Object) null));

        given().auth().oauth2(token).contentType("application/json").body("{\"ids\":[\"" + oldest + "\"]}")
                .post("/api/notifications/read").then().statusCode(200).body("unread", is(2));
        given().auth().oauth2(token).contentType("application/json").body("{\"upTo\":\"" + newest + "\"}")
                .post("/api/notifications/read").then().statusCode(200).body("unread", is(0));
        // someone else's ids are not theirs to mark
        given().auth().oauth2(TestTokens.forUser(alice)).contentType("application/json")
                .body("{\"ids\":[\"" + newest + "\"]}").post("/api/notifications/read").then().statusCode(200)
                .body("marked", is(0));
    }

    @Test
    void onlineUsersAreNotNotifiedButMentionsAreAndGroupsNeedAMention() {
        String alice = id("alice");
        String bob = id("bob");
        String carol = id("carol");
        String room = id("grp");
        room(room, "group", alice, bob, carol);
        presence(carol, "online");

        String plain = id("m");
        message(room, plain, 1, alice, "no mention here");
        String mention = id("m");
        message(room, mention, 2, alice, "@carol look", carol);
        Envelope n = awaitNotification(carol, mention);
        assertEquals("mention", n.payload().path("kind").asText());
        String roomMention = id("m");
        message(room, roomMention, 3, alice, "@room hi all", "room");
        awaitNotification(bob, roomMention);

        // group default level is "mentions": the plain message notified nobody, online or not
        assertEquals(0, count("select count(*) from notifications where msg_id = $1", plain));
        // online carol: a feed entry for each mention; offline bob: only the @room one
        feed(carol).body("items", hasSize(2)).body("items.kind", everyItem(equalTo("mention")));
        feed(bob).body("items", hasSize(1)).body("items[0].kind", equalTo("mention"));
    }

    @Test
    void readingTheRoomMarksItsNotificationsRead() {
        String alice = id("alice");
        String bob = id("bob");
        String room = id("dm");
        room(room, "direct", alice, bob);
        String m1 = id("m");
        message(room, m1, 1, alice, "one");
        awaitNotification(bob, m1);
        feed(bob).body("unread", is(1));
        receipt(room, bob, 1);
        await(() -> count("select count(*) from notifications where user_id = $1 and read_at is null", bob) == 0);
        feed(bob).body("unread", is(0));
    }

    @Test
    void someoneAddedToAGroupGetsOneInviteNotification() {
        String alice = id("alice");
        String bob = id("bob");
        String room = id("grp");
        room(room, "group", alice);
        Envelope joined = new Envelope(UUID.randomUUID().toString(), EventTypes.MEMBER_JOINED, Instant.now(),
                Envelope.VERSION, KafkaTestClient.JSON.valueToTree(new RoomChanged(room, "group", "Room " + room, bob,
                        List.of(new Member(alice, "owner"), new Member(bob, "member")))));
        kafka.sendEnvelope(Topics.CHAT_EVENTS, room, joined);
        kafka.sendEnvelope(Topics.CHAT_EVENTS, room, joined); // redelivered
        Envelope n = kafka.await(WAIT, e -> EventTypes.NOTIFICATION_CREATED.equals(e.type())
                && bob.equals(e.payload().path("userId").asText()));
        assertEquals("invite", n.payload().path("kind").asText());
        assertEquals(room, n.payload().path("room").asText());
        String mention = id("m");
        message(room, mention, 1, alice, "welcome @bob", bob); // bob is now a member: membership was stored
        awaitNotification(bob, mention);
        feed(bob).body("items", hasSize(2)).body("items.kind", org.hamcrest.Matchers.hasItems("invite", "mention"));
    }

    @Test
    void aPollsEventsApplyInOrderAndAMalformedMessageInARunChangesNothingElse() {
        String alice = id("alice");
        String bob = id("bob");
        String carol = id("carol");
        String room = id("sup");
        String other = id("dm");
        room(other, "direct", alice, bob);
        String m1 = id("m");
        String m2 = id("m");
        String m3 = id("m");
        // one send without waiting for each: the consumer gets them in one or few polls, so the messages form runs
        // around the membership change and the malformed record
        Envelope created = envelope(EventTypes.ROOM_CREATED, new RoomChanged(room, "support", "Room " + room, null,
                List.of(new Member(alice, "member"), new Member(bob, "member"))));
        Envelope joined = envelope(EventTypes.MEMBER_JOINED, new RoomChanged(room, "support", "Room " + room, carol,
                List.of(new Member(alice, "member"), new Member(bob, "member"), new Member(carol, "member"))));
        Envelope malformed = new Envelope(UUID.randomUUID().toString(), EventTypes.MESSAGE_CREATED, Instant.now(),
                Envelope.VERSION, KafkaTestClient.JSON.createObjectNode().put("text", "no room, no msgId"));
        kafka.sendAll(Topics.CHAT_EVENTS, List.of(Map.entry(room, created), Map.entry(room, messageEnvelope(room, m1, 1, alice, "one")),
                Map.entry(room, joined), Map.entry(room, malformed), Map.entry(room, messageEnvelope(room, m2, 2, alice, "two")),
                Map.entry(other, messageEnvelope(other, m3, 1, alice, "three"))));

        awaitNotification(bob, m1);
        awaitNotification(bob, m2);
        awaitNotification(carol, m2);
        awaitNotification(bob, m3);
        // carol joined after m1: the run was cut at her membership, so m1 was decided without her
        assertEquals(0, count("select count(*) from notifications where user_id = $1 and msg_id = $2", carol, m1));
        assertEquals(1, count("select count(*) from notifications where user_id = $1 and msg_id = $2", carol, m2));
        assertEquals(2, count("select count(*) from notifications where user_id = $1 and room_id = $2 and kind = 'support_reply'",
                bob, room));
    }

    @Test
    void theServicesConnectionsKeepGenericPlans() {
        // set per connection (application.properties): the batched queries' array parameters otherwise get planned anew
        assertEquals("force_generic_plan", pool.query("show plan_cache_mode").execute().await().atMost(Duration.ofSeconds(5))
                .iterator().next().getString(0));
    }

    @Test
    void feedNeedsAValidToken() {
        given().get("/api/notifications").then().statusCode(401).body("code", equalTo("unauthorized"));
        given().auth().oauth2("not-a-token").get("/api/notifications").then().statusCode(401);
    }

    @Test
    void healthAndMetricsAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}

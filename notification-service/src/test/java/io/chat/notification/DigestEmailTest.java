package io.chat.notification;

import io.chat.contracts.Envelope;
import io.chat.contracts.Topics;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Missed-message digests through the real GreenMail SMTP server (digest delay 2 s in the test profile). */
@QuarkusTest
class DigestEmailTest extends NotificationTestBase {

    static String email(String user) {
        return user + "@digest.test";
    }

    String newUser(String prefix) {
        String u = id(prefix);
        user(u, email(u), "UTC");
        await(() -> count("select count(*) from users where user_id = $1", u) == 1);
        return u;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void offlineUserGetsExactlyOneDigestCoveringBothRoomsEvenWithRedelivery() {
        String alice = newUser("alice");
        String bob = newUser("bob");
        String dm = id("dm");
        String group = id("grp");
        room(dm, "direct", alice, bob);
        room(group, "group", alice, bob);
        message(dm, id("m"), 1, alice, "first <script>alert(1)</script>");
        Envelope second = message(dm, id("m"), 2, alice, "second in dm");
        message(group, id("m"), 1, alice, "group chatter without mention");
        String mention = id("m");
        message(group, mention, 2, alice, "bob, see the plan", bob);
        kafka.sendEnvelope(Topics.CHAT_EVENTS, dm, second); // redelivered: must not appear twice
        awaitNotification(bob, mention);

        await(() -> inbox(email(bob)).size() == 1);
        sleep(3500); // more than the delay and two scheduler runs: still one email
        List<String> mails = inbox(email(bob));
        assertEquals(1, mails.size(), "exactly one digest");
        String mail = mails.get(0);
        assertTrue(mail.contains("Subject: You missed 3 messages"), mail);
        assertTrue(mail.contains("multipart/alternative"), "HTML and plain-text parts");
        assertTrue(mail.contains("Room " + dm) && mail.contains("Room " + group), "grouped by room");
        assertTrue(mail.contains("first &lt;script&gt;alert(1)&lt;/script&gt;"), "HTML part escapes user content");
        assertFalse(mail.contains("<script>alert(1)</script>") && mail.indexOf("<script>") < mail.indexOf("text/plain"),
                "no raw script in the HTML part");
        assertEquals(1, occurrences(mail, "second in dm") / 2, "redelivered message listed once per part");
        assertTrue(mail.lastIndexOf("first &lt;script") < mail.lastIndexOf("second in dm"), "newest last");
        assertTrue(mail.contains("bob, see the plan"));
        assertFalse(mail.contains("group chatter without mention"), "group level is mentions");
        assertTrue(mail.contains("/api/notifications/unsubscribe?token="));
        assertTrue(mail.contains("List-Unsubscribe:"));
        assertEquals(0, count("select count(*) from digest_items where user_id = $1", bob));
    }

    @Test
    void readingBeforeTheDelayCancelsTheDigestForThatReader() {
        String alice = newUser("alice");
        String bob = newUser("bob");
        String carol = newUser("carol");
        String dm = id("grp");
        room(dm, "direct", alice, bob, carol); // kind direct: level all for both readers
        String m = id("m");
        message(dm, m, 1, alice, "read me quickly");
        receipt(dm, bob, 1);
        await(() -> inbox(email(carol)).size() == 1); // carol did not read: she gets hers
        sleep(1500);
        assertEquals(0, inbox(email(bob)).size(), "bob read it before the delay");
    }

    @Test
    void quietHoursDeferTheDigestUntilTheyEnd() {
        String alice = newUser("alice");
        String bob = newUser("bob");
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
        Instant now = Instant.now();
        putSettings(bob, "{\"quietHours\":{\"start\":\"" + hhmm.format(now.minusSeconds(3600)) + "\",\"end\":\""
                + hhmm.format(now.plusSeconds(3600)) + "\",\"timeZone\":\"UTC\"}}");
        String dm = id("dm");
        room(dm, "direct", alice, bob);
        String m = id("m");
        message(dm, m, 1, alice, "during quiet hours");
        awaitNotification(bob, m);
        sleep(4000);
        assertEquals(0, inbox(email(bob)).size(), "deferred during quiet hours");
        assertEquals(1, count("select count(*) from digest_items where user_id = $1", bob), "still pending");
        putSettings(bob, "{}"); // quiet hours over
        await(() -> inbox(email(bob)).size() == 1);
        assertTrue(inbox(email(bob)).get(0).contains("during quiet hours"));
    }

    @Test
    void doNotDisturbAndMuteSuppressWhileOthersAreStillNotified() {
        String alice = newUser("alice");
        String dndUser = newUser("dnd");
        String muter = newUser("muter");
        String control = newUser("control");
        String dm = id("grp");
        room(dm, "direct", alice, dndUser, muter, control);
        putSettings(dndUser, "{\"dndUntil\":\"" + Instant.now().plusSeconds(3600) + "\"}");
        putSettings(muter, "{\"rooms\":{\"" + dm + "\":{\"muted\":true}}}");
        String m = id("m");
        message(dm, m, 1, alice, "anyone there?");
        awaitNotification(control, m);
        await(() -> inbox(email(control)).size() == 1);
        sleep(1500);
        assertEquals(0, inbox(email(dndUser)).size(), "DND suppresses the email");
        assertEquals(0, inbox(email(muter)).size(), "mute suppresses the email");
        assertEquals(0, count("select count(*) from notifications where user_id = $1", muter), "muted: no feed entry");
        // a decision without effect is counted, not stored (only decisions with effects need redelivery protection)
        assertEquals(0, count("select count(*) from notification_decisions where user_id = $1", muter));
        assertEquals(1, count("select count(*) from notification_decisions where user_id = $1", control));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("chat_notifications_decided_total{")
                && l.contains("outcome=\"muted\"") && !l.endsWith(" 0.0")), "the muted decision is counted");
    }

    @Test
    void aMentionInAChannelNotifiesAtLevelMentions() {
        String alice = newUser("alice");
        String bob = newUser("bob");
        String channel = id("chan");
        room(channel, "channel", alice, bob);
        putSettings(bob, "{\"level\":\"mentions\"}");
        String plain = id("m");
        message(channel, plain, 1, alice, "general news");
        String mention = id("m");
        message(channel, mention, 2, alice, "@bob please review", bob);
        Envelope n = awaitNotification(bob, mention);
        assertEquals("mention", n.payload().path("kind").asText());
        feed(bob).body("items.size()", is(1));
        await(() -> inbox(email(bob)).size() == 1);
        String mail = inbox(email(bob)).get(0);
        assertTrue(mail.contains("@bob please review"));
        assertFalse(mail.contains("general news"));
    }

    @Test
    void theUnsubscribeLinkWorksWithoutLoggingIn() {
        String alice = newUser("alice");
        String bob = newUser("bob");
        String dm = id("dm");
        room(dm, "direct", alice, bob);
        message(dm, id("m"), 1, alice, "hello");
        await(() -> inbox(email(bob)).size() == 1);
        Matcher link = Pattern.compile("/api/notifications/unsubscribe\\?token=([A-Za-z0-9_\\-.]+)")
                .matcher(inbox(email(bob)).get(0));
        assertTrue(link.find());
        String token = link.group(1);
        given().queryParam("token", token).get("/api/notifications/unsubscribe").then().statusCode(200);
        given().queryParam("token", token + "x").post("/api/notifications/unsubscribe").then().statusCode(400);
        given().get("/api/notification-settings").then().statusCode(401);
        given().queryParam("token", token).post("/api/notifications/unsubscribe").then().statusCode(200);
        given().auth().oauth2(io.chat.testsupport.TestTokens.forUser(bob)).get("/api/notification-settings").then()
                .statusCode(200).body("emailDigest", is(false));
        message(dm, id("m"), 2, alice, "after unsubscribing");
        sleep(4000);
        assertEquals(1, inbox(email(bob)).size(), "no more digests");
    }

    static int occurrences(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}

package io.chat.notification;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Member;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.PresenceChanged;
import io.chat.contracts.ReceiptUpdated;
import io.chat.contracts.RoomChanged;
import io.chat.contracts.Topics;
import io.chat.contracts.UserEvent;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
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

/**
 * Shared by the service's tests (one Quarkus boot for all of them): produces events on the real Kafka as the other
 * services would, waits for what this service publishes, and reads its PostgreSQL tables.
 */
@QuarkusTestResource(TestTokens.class)
abstract class NotificationTestBase {
    static final Duration WAIT = Duration.ofSeconds(30);
    static KafkaTestClient kafka;

    @Inject
    Pool pool;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(Topics.NOTIFICATION_EVENTS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static void room(String room, String kind, String... members) {
        kafka.send(Topics.CHAT_EVENTS, room, EventTypes.ROOM_CREATED, new RoomChanged(room, kind, "Room " + room, null,
                Arrays.stream(members).map(m -> new Member(m, "member")).toList()));
    }

    static Envelope message(String room, String msgId, long seq, String sender, String text, String... mentions) {
        Envelope e = messageEnvelope(room, msgId, seq, sender, text, mentions);
        kafka.sendEnvelope(Topics.CHAT_EVENTS, room, e);
        return e;
    }

    static Envelope messageEnvelope(String room, String msgId, long seq, String sender, String text, String... mentions) {
        return envelope(EventTypes.MESSAGE_CREATED, new MessageEvent(room, msgId, seq, sender, text, Instant.now(),
                "c-" + msgId, null, null, List.of(mentions), null, null));
    }

    static Envelope envelope(String type, Object payload) {
        return new Envelope(UUID.randomUUID().toString(), type, Instant.now(), Envelope.VERSION,
                KafkaTestClient.JSON.valueToTree(payload));
    }

    static void user(String userId, String email, String timeZone) {
        kafka.send(Topics.USER_EVENTS, userId, EventTypes.USER_REGISTERED,
                new UserEvent(userId, userId.substring(0, 8), "Name " + userId.substring(0, 6), email, timeZone, null));
    }

    void presence(String userId, String status) {
        kafka.send(Topics.PRESENCE_EVENTS, userId, EventTypes.PRESENCE_CHANGED,
                new PresenceChanged(userId, status, null, null));
        await(() -> status.equals(scalar("select status from presence where user_id = $1", userId)));
    }

    static void receipt(String room, String user, long read) {
        kafka.send(Topics.CHAT_EVENTS, room, EventTypes.RECEIPT_UPDATED, new ReceiptUpdated(room, user, read, read, false));
    }

    Object scalar(String sql, Object... args) {
        var rs = pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(Duration.ofSeconds(5));
        return rs.iterator().hasNext() ? rs.iterator().next().getValue(0) : null;
    }

    long count(String sql, Object... args) {
        Object v = scalar(sql, args);
        return v == null ? 0 : ((Number) v).longValue();
    }

    static void await(BooleanSupplier condition) {
        long until = System.currentTimeMillis() + WAIT.toMillis();
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                fail("condition not met within " + WAIT);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static ValidatableResponse feed(String user) {
        return given().auth().oauth2(TestTokens.forUser(user)).when().get("/api/notifications").then().statusCode(200);
    }

    static Envelope awaitNotification(String user, String msgId) {
        return kafka.await(WAIT, e -> EventTypes.NOTIFICATION_CREATED.equals(e.type())
                && user.equals(e.payload().path("userId").asText()) && msgId.equals(e.payload().path("msgId").asText()));
    }


    static final String MAIL_API = System.getenv().getOrDefault("MAIL_API_URL", "http://127.0.0.1:18025");
    static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    /** The messages GreenMail holds for {@code email} (each with its raw MIME text decoded for reading). */
    static List<String> inbox(String email) {
        try {
            var response = HTTP.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(MAIL_API + "/api/user/" + email + "/messages/INBOX/")).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return List.of(); // GreenMail creates the mailbox on first delivery
            }
            List<String> out = new java.util.ArrayList<>();
            for (var m : KafkaTestClient.JSON.readTree(response.body())) {
                out.add(decodeMime(m.path("mimeMessage").asText()));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Undoes quoted-printable and base64 transfer encodings of the body parts so tests can search the text. */
    static String decodeMime(String mime) {
        StringBuilder out = new StringBuilder();
        for (String part : mime.split("\r?\n--")) {
            int split = part.indexOf("\r\n\r\n");
            if (split < 0) {
                out.append(part);
                continue;
            }
            String headers = part.substring(0, split);
            String body = part.substring(split + 4);
            String h = headers.toLowerCase();
            if (h.contains("content-transfer-encoding: quoted-printable")) {
                body = body.replace("=\r\n", "");
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < body.length(); i++) {
                    char c = body.charAt(i);
                    if (c == '=' && i + 2 < body.length()) {
                        bytes.write(Integer.parseInt(body.substring(i + 1, i + 3), 16));
                        i += 2;
                    } else {
                        bytes.write(c);
                    }
                }
                body = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
            } else if (h.contains("content-transfer-encoding: base64")) {
                String[] lines = body.split("\r?\n\r?\n", 2);
                body = new String(java.util.Base64.getMimeDecoder().decode(lines[0].trim()),
                        java.nio.charset.StandardCharsets.UTF_8);
            }
            out.append(headers).append("\r\n\r\n").append(body).append("\n--");
        }
        return out.toString();
    }

    static void putSettings(String user, String json) {
        given().auth().oauth2(TestTokens.forUser(user)).contentType("application/json").body(json)
                .put("/api/notification-settings").then().statusCode(200);
    }
}

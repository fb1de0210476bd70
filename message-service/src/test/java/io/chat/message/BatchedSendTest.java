package io.chat.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.contracts.ChatCommand;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Origin;
import io.chat.contracts.Topics;
import io.chat.message.messaging.CommandConsumer;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.chat.message.MessageFlowTest.post;
import static io.chat.message.MessageFlowTest.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched send path of {@link CommandConsumer}: one poll's plain sends are stored in one transaction and must
 * have exactly the outcomes they would have one by one. The consumer is called directly with one poll's records,
 * so what forms a batch is known; the events are read back from the real chat.events.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class BatchedSendTest {
    @Inject
    CommandConsumer consumer;
    @Inject
    MeterRegistry registry;
    @Inject
    Pool pool;

    private final String session = "s-batch-" + UUID.randomUUID();

    private String command(String type, String commandId, String from, String room, String clientMsgId, String text,
            String msgId) throws Exception {
        ChatCommand c = new ChatCommand(new Origin("gw-test", session, commandId), from, List.of("user"), room, clientMsgId,
                text, null, null, msgId, null, null);
        return KafkaTestClient.JSON.writeValueAsString(new Envelope(UUID.randomUUID().toString(), type, Instant.now(), 1,
                KafkaTestClient.JSON.valueToTree(c)));
    }

    private String send(String commandId, String from, String room, String clientMsgId, String text) throws Exception {
        return command(EventTypes.MESSAGE_SEND, commandId, from, room, clientMsgId, text, null);
    }

    private String group(String owner, String member) {
        return post(TestTokens.forUser(owner), "/api/rooms", Map.of("kind", "group", "name", "batch", "members", List.of(member)))
                .then().statusCode(201).extract().path("id");
    }

    /** Results by command id, and every event of {@code rooms} in the order published. */
    private record Published(Map<String, List<JsonNode>> results, Map<String, List<Envelope>> byRoom) {
    }

    private Published collect(KafkaTestClient kafka, Set<String> rooms, int commands, int roomEvents) {
        Published published = new Published(new HashMap<>(), new HashMap<>());
        long until = System.currentTimeMillis() + 30_000;
        while ((published.results().size() < commands
                || published.byRoom().values().stream().mapToInt(List::size).sum() < roomEvents)
                && System.currentTimeMillis() < until) {
            kafka.drain(Duration.ofMillis(200)).forEach(e -> sort(e, rooms, published));
        }
        // a little longer, so that a duplicate answer or event would be seen
        kafka.drain(Duration.ofMillis(500)).forEach(e -> sort(e, rooms, published));
        return published;
    }

    private void sort(Envelope e, Set<String> rooms, Published into) {
        JsonNode p = e.payload();
        JsonNode origin = CommandAnswers.origin(e);
        if (origin != null && session.equals(origin.path("sessionId").asText())) {
            into.results().computeIfAbsent(origin.path("commandId").asText(), k -> new ArrayList<>()).add(CommandAnswers.answer(e));
        }
        if (!e.type().equals(EventTypes.COMMAND_RESULT) && rooms.contains(p.path("room").asText())) {
            into.byRoom().computeIfAbsent(p.path("room").asText(), k -> new ArrayList<>()).add(e);
        }
    }

    private static JsonNode only(Published published, String commandId) {
        List<JsonNode> answers = published.results().getOrDefault(commandId, List.of());
        assertEquals(1, answers.size(), "answered exactly once: " + commandId + " " + answers);
        return answers.get(0);
    }

    /** A send that stored a new message: answered by that message's message.created alone. */
    private static void ok(Published published, String commandId, long seq) {
        okVia(published, commandId, seq, EventTypes.MESSAGE_CREATED);
    }

    /** A send answered with the message stored before (a repeat): by a command.result. */
    private static void repeat(Published published, String commandId, long seq) {
        okVia(published, commandId, seq, EventTypes.COMMAND_RESULT);
    }

    private static void okVia(Published published, String commandId, long seq, String via) {
        JsonNode answer = only(published, commandId);
        assertTrue(answer.path("ok").asBoolean(), commandId + ": " + answer);
        assertEquals(seq, answer.path("result").path("seq").asLong(), commandId + ": " + answer);
        assertEquals(via, answer.path("via").asText(), commandId + ": " + answer);
    }

    private static void refused(Published published, String commandId, String code) {
        JsonNode answer = only(published, commandId);
        assertFalse(answer.path("ok").asBoolean(), commandId + ": " + answer);
        assertEquals(code, answer.path("code").asText(), commandId + ": " + answer);
    }

    private static List<String> describe(List<Envelope> events) {
        return events.stream().map(e -> e.type() + " " + e.payload().path("seq").asLong() + " " + e.payload().path("text").asText())
                .toList();
    }

    private DistributionSummary batches() {
        return registry.summary("chat_send_batch_size");
    }

    private double fallbacks() {
        return registry.counter("chat_send_batch_fallbacks_total").count();
    }

    @Test
    void aPollsPlainSendsAreStoredTogetherWithTheOutcomesTheyWouldHaveOneByOne() throws Exception {
        String owner = user(), sa = user(), sb = user(), sc = user(), stranger = user();
        String a = group(owner, sa), b = group(owner, sb), c = group(owner, sc);
        String m1 = post(TestTokens.forUser(sa), "/api/rooms/" + a + "/messages", Map.of("clientMsgId", "old", "text", "old"))
                .then().statusCode(201).extract().path("msgId");
        // one poll, rooms interleaved as they would arrive; per lane the segments are
        // a: [a1 a2 a3 a4] [a5 edit] [a6]   b: [b1] [b2 mention] [b3]   c: [c1 too long] [c2]
        List<String> poll = List.of(
                send("a1", sa, a, "k1", "one"),
                send("b1", stranger, b, "x", "not a member"),
                send("c1", sc, c, "long", "x".repeat(10_001)),
                send("a2", sa, a, "old", "a resend of the REST message"),
                send("b2", sb, b, "m", "hello @nobody_here"),
                send("a3", sa, a, "k2", "two"),
                send("c2", sc, c, "c", "three"),
                send("a4", sa, a, "k2", "two, resent before the first was answered"),
                command(EventTypes.MESSAGE_EDIT, "a5", sa, a, null, "old, edited", m1),
                send("b3", sb, b, "b", "four"),
                send("a6", sa, a, "k3", "five"));
        long batchesBefore = batches().count();
        double sendsBefore = batches().totalAmount();
        double fallbacksBefore = fallbacks();
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            consumer.onCommands(poll).await().atMost(Duration.ofSeconds(30));
            Published published = collect(kafka, Set.of(a, b, c), poll.size(), 7);

            // round 0: a1-a4 and b1 in one transaction; round 1: c2 alone (one-by-one path); round 2: a6 and b3
            assertEquals(2, batches().count() - batchesBefore, "batches");
            assertEquals(7.0, batches().totalAmount() - sendsBefore, "sends in batches");
            assertEquals(0.0, fallbacks() - fallbacksBefore, "no batch fell back to one by one");

            ok(published, "a1", 2);
            repeat(published, "a2", 1);
            assertEquals(m1, only(published, "a2").path("result").path("msgId").asText(), "a repeat answers with the original");
            ok(published, "a3", 3);
            repeat(published, "a4", 3);
            assertEquals(only(published, "a3").path("result").path("msgId").asText(),
                    only(published, "a4").path("result").path("msgId").asText(), "a resend in the same batch is one message");
            assertTrue(only(published, "a5").path("ok").asBoolean(), "edit");
            ok(published, "a6", 4);
            refused(published, "b1", "not_found");
            ok(published, "b2", 1);
            ok(published, "b3", 2);
            refused(published, "c1", "bad_request");
            ok(published, "c2", 1);

            // each room's events in the order its commands came
            assertEquals(List.of("message.created 2 one", "message.created 3 two", "message.edited 1 old, edited",
                    "message.created 4 five"), describe(published.byRoom().get(a)));
            assertEquals(List.of("message.created 1 hello @nobody_here", "message.created 2 four"),
                    describe(published.byRoom().get(b)));
            assertEquals(List.of("message.created 1 three"), describe(published.byRoom().get(c)));
        }
        given().auth().oauth2(TestTokens.forUser(sa)).get("/api/rooms/" + a + "/messages?after=0").then().statusCode(200)
                .body("items.seq", equalTo(List.of(1, 2, 3, 4)))
                .body("items.text", equalTo(List.of("old, edited", "one", "two", "five")));
    }

    @Test
    void aBatchThatFailsStoresNothingAndItsSendsAreThenHandledOneByOneInOrder() throws Exception {
        String owner = user(), sd = user(), se = user();
        String d = group(owner, sd), e = group(owner, se);
        String fail = "fail " + UUID.randomUUID();
        String sequence = "test_fail_once_" + UUID.randomUUID().toString().replace("-", "");
        // the first insert of this text fails (the batch's), later ones succeed: a sequence is not rolled back
        pool.query("create sequence " + sequence).execute().await().indefinitely();
        pool.query("create function " + sequence + "() returns trigger language plpgsql as $$ begin "
                + "if new.text = '" + fail + "' and nextval('" + sequence + "') = 1 then raise exception 'injected failure'; "
                + "end if; return new; end $$").execute().await().indefinitely();
        pool.query("create trigger " + sequence + " before insert on messages for each row execute function " + sequence + "()")
                .execute().await().indefinitely();
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            List<String> poll = List.of(
                    send("d1", sd, d, "d1", "d one"),
                    send("e1", se, e, "e1", "e one"),
                    send("d2", sd, d, "d2", fail),
                    send("e2", se, e, "e2", "e two"),
                    send("d3", sd, d, "d3", "d three"));
            long batchesBefore = batches().count();
            double fallbacksBefore = fallbacks();
            consumer.onCommands(poll).await().atMost(Duration.ofSeconds(30));
            Published published = collect(kafka, Set.of(d, e), poll.size(), 5);

            assertEquals(1, batches().count() - batchesBefore, "the five sends were tried as one batch");
            assertEquals(1.0, fallbacks() - fallbacksBefore, "which failed and was handled one by one");
            assertEquals(2L, pool.query("select last_value from " + sequence).execute().await().indefinitely()
                    .iterator().next().getLong(0), "the batch failed once, the one-by-one insert then succeeded");
            ok(published, "d1", 1);
            ok(published, "d2", 2);
            ok(published, "d3", 3);
            ok(published, "e1", 1);
            ok(published, "e2", 2);
            assertEquals(List.of("message.created 1 d one", "message.created 2 " + fail, "message.created 3 d three"),
                    describe(published.byRoom().get(d)));
            assertEquals(List.of("message.created 1 e one", "message.created 2 e two"), describe(published.byRoom().get(e)));
        } finally {
            pool.query("drop trigger " + sequence + " on messages").execute().await().indefinitely();
            pool.query("drop function " + sequence + "()").execute().await().indefinitely();
            pool.query("drop sequence " + sequence).execute().await().indefinitely();
        }
    }
}

package io.chat.message;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Topics;
import io.chat.message.messaging.CommandConsumer;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static io.chat.message.MessageFlowTest.post;
import static io.chat.message.MessageFlowTest.sends;
import static io.chat.message.MessageFlowTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox relay's housekeeping: it deletes what Kafka acknowledged, and vacuums the table itself. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class OutboxRelayTest {
    @Inject
    CommandConsumer consumer;
    @Inject
    Pool pool;

    /**
     * A pass does not wait for its sends' acks; the rows acknowledged are deleted by a later pass (the next send's, or
     * the poll's when nothing else comes), so the outbox empties once everything is published.
     */
    @Test
    void everyRowIsPublishedInOrderAndThenDeleted() throws Exception {
        String owner = user();
        String room = post(TestTokens.forUser(owner), "/api/rooms", Map.of("kind", "group", "name", "relay", "members", List.of()))
                .then().statusCode(201).extract().path("id");
        try (KafkaTestClient kafka = new KafkaTestClient(Topics.CHAT_EVENTS)) {
            // three batches: the later ones are relayed while the acks of the earlier ones may still be outstanding
            for (int b = 0; b < 3; b++) {
                consumer.onCommands(sends(owner, room, "r" + b + "-", 20)).await().atMost(Duration.ofSeconds(30));
            }
            List<Long> seqs = new ArrayList<>();
            long until = System.currentTimeMillis() + 30_000;
            while (seqs.size() < 60 && System.currentTimeMillis() < until) {
                for (Envelope e : kafka.drain(Duration.ofMillis(200))) {
                    if (EventTypes.MESSAGE_CREATED.equals(e.type()) && room.equals(e.payload().path("room").asText())) {
                        seqs.add(e.payload().path("seq").asLong());
                    }
                }
            }
            assertEquals(LongStream.rangeClosed(1, 60).boxed().toList(), seqs, "each message published once, in seq order");
        }
        long until = System.currentTimeMillis() + 10_000;
        while (rowsOf(room) > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertEquals(0, rowsOf(room), "the published rows are deleted");
    }

    private long rowsOf(String room) {
        return pool.preparedQuery("select count(*) from outbox where key = $1").execute(Tuple.of(room))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    @Test
    void theRelayVacuumsTheOutboxAfterPublishing() throws Exception {
        String owner = user();
        String room = post(TestTokens.forUser(owner), "/api/rooms", Map.of("kind", "group", "name", "vacuum", "members", List.of()))
                .then().statusCode(201).extract().path("id");
        long before = vacuums();
        List<String> poll = sends(owner, room, "v", 30); // 30 outbox rows (a message.created each), over the threshold of 20
        consumer.onCommands(poll).await().atMost(Duration.ofSeconds(30));

        long until = System.currentTimeMillis() + 10_000;
        while (vacuums() == before && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        assertTrue(vacuums() > before, "the relay vacuumed the outbox (autovacuum is not counted here)");
    }

    /** Manual vacuums only: pg_stat_user_tables counts autovacuum apart. */
    private long vacuums() {
        return pool.query("select vacuum_count from pg_stat_user_tables where relname = 'outbox'").execute()
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }
}

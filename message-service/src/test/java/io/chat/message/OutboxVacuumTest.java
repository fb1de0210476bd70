package io.chat.message;

import io.chat.message.messaging.CommandConsumer;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.chat.message.MessageFlowTest.post;
import static io.chat.message.MessageFlowTest.sends;
import static io.chat.message.MessageFlowTest.user;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay vacuums the outbox itself once it has published enough rows (test: 20, see application.properties). */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class OutboxVacuumTest {
    @Inject
    CommandConsumer consumer;
    @Inject
    Pool pool;

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

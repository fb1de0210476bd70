package io.chat.message;

import io.chat.message.messaging.CommandConsumer;
import io.chat.testsupport.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
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

/** SearchIndexJob merges the search index's pending list, so that no send has to (see the job). */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class SearchIndexJobTest {
    @Inject
    CommandConsumer consumer;
    @Inject
    Pool pool;
    @Inject
    MeterRegistry registry;

    @Test
    void theJobMergesNewMessagesIntoTheSearchIndex() throws Exception {
        String owner = user();
        String room = post(TestTokens.forUser(owner), "/api/rooms", Map.of("kind", "group", "name", "search index", "members", List.of()))
                .then().statusCode(201).extract().path("id");
        // autovacuum and autoanalyze empty the list too: kept off this table meanwhile, so that only the job can have
        // (setting it also cancels an autovacuum of the table that is under way)
        pool.query("alter table messages set (autovacuum_enabled = off)").execute().await().atMost(Duration.ofSeconds(10));
        try {
            double before = cleaned();
            consumer.onCommands(sends(owner, room, "g", 10)).await().atMost(Duration.ofSeconds(30));
            long until = System.currentTimeMillis() + 10_000; // the job runs every second
            while (cleaned() == before && System.currentTimeMillis() < until) {
                Thread.sleep(200);
            }
            assertTrue(cleaned() > before, "the job merged the pending list's pages into the index (fastupdate is on, so the "
                    + "inserts filled it)");
        } finally {
            pool.query("alter table messages reset (autovacuum_enabled)").execute().await().atMost(Duration.ofSeconds(10));
        }
    }

    private double cleaned() {
        return registry.counter("chat_search_pending_pages_cleaned_total").count();
    }
}

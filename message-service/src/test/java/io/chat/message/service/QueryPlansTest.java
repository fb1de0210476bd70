package io.chat.message.service;

import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool keeps generic plans (the message path's batch statements); search is planned for its values every time. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class QueryPlansTest {
    @Inject
    Pool pool;
    @Inject
    MessageViews views;

    @Test
    void connectionsKeepGenericPlans() {
        assertEquals("force_generic_plan", pool.query("show plan_cache_mode").execute()
                .map(rows -> rows.iterator().next().getString(0)).await().atMost(Duration.ofSeconds(5)));
    }

    /**
     * Past its fifth execution PostgreSQL's "auto" may switch a statement to its generic plan for good; the search
     * must get a custom plan at every execution, with and without a room.
     */
    @Test
    void searchIsNeverRunWithAGenericPlan() {
        Row plans = views.customPlans(conn -> {
            Uni<?> runs = Uni.createFrom().voidItem();
            for (int i = 0; i < 8; i++) {
                UUID room = i % 2 == 0 ? null : UUID.randomUUID();
                runs = runs.flatMap(x -> conn.preparedQuery(MessageViews.SEARCH)
                        .execute(Tuple.from(java.util.Arrays.asList("nobody", "hello", room, 21, 0))));
            }
            return runs.flatMap(x -> conn.preparedQuery("select generic_plans, custom_plans from pg_prepared_statements "
                    + "where statement = $1").execute(Tuple.of(MessageViews.SEARCH))).map(rows -> rows.iterator().next());
        }).await().atMost(Duration.ofSeconds(10));
        assertEquals(0L, plans.getLong("generic_plans"));
        assertTrue(plans.getLong("custom_plans") >= 8, "custom plans: " + plans.getLong("custom_plans"));
    }
}

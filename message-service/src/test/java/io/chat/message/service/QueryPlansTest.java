package io.chat.message.service;

import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pool keeps generic plans (the message path's batch statements); search asks for plans made for its values. */
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

    @Test
    void searchQueriesArePlannedForTheirValues() {
        assertEquals("auto", views.customPlans(conn -> conn.query("show plan_cache_mode").execute()
                .map(rows -> rows.iterator().next().getString(0))).await().atMost(Duration.ofSeconds(5)));    }
}

package io.chat.gateway.ws;

import io.chat.gateway.ws.RateLimiter.SendCheck;
import io.chat.testsupport.TestTokens;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The send check against the real Redis: token bucket and duplicate guard in one script call. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class RateLimiterTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final long WINDOW_MS = 10_000;

    @Inject
    RateLimiter limiter;
    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void theSameTextIsADuplicateUnlessItIsTheSameMessageAgain() {
        String user = UUID.randomUUID().toString();
        assertEquals(new SendCheck(0, false), send(user, "hello", "c-1", 100));
        assertEquals(new SendCheck(0, false), send(user, "hello", "c-1", 100), "a retry of the same message");
        assertEquals(new SendCheck(0, true), send(user, "hello", "c-2", 100), "the same text as a new message");
        assertEquals(new SendCheck(0, false), send(user, "hello again", "c-3", 100));
    }

    @Test
    void aRateLimitedSendWaitsAndLeavesTheGuardAlone() {
        String user = UUID.randomUUID().toString();
        assertFalse(send(user, "one", "c-1", 2).duplicate());
        assertEquals(0, send(user, "two", "c-2", 2).waitMs());
        SendCheck limited = send(user, "three", "c-3", 2);
        assertTrue(limited.waitMs() > 0, "the burst of 2 is spent: " + limited);
        assertFalse(limited.duplicate());
        // the limited send claimed no guard: its text is free once the client may send again
        String guard = "gw:dup:" + user + ":room:";
        long claimed = redis.execute("KEYS", guard + "*").await().atMost(WAIT).size();
        assertEquals(2, claimed, "only the two sends that went through hold a guard");
    }

    @Test
    void scriptsAreLoadedAgainAfterRedisForgotThem() {
        String user = UUID.randomUUID().toString();
        assertEquals(new SendCheck(0, false), send(user, "before", "c-1", 100));
        redis.execute("SCRIPT", "FLUSH").await().atMost(WAIT);
        assertEquals(new SendCheck(0, false), send(user, "after", "c-2", 100));
        assertEquals(0, limiter.take("typing", user, 60, 10).await().atMost(WAIT));
    }

    private SendCheck send(String user, String text, String clientMsgId, int burst) {
        return limiter.takeForSend(user, "room", text, clientMsgId, 1, burst, WINDOW_MS).await().atMost(WAIT);
    }
}

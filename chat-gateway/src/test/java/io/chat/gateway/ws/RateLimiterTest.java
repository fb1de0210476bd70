package io.chat.gateway.ws;

import io.chat.gateway.config.GatewayConfig;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The send check against the real Redis: the rate limit (GCRA) and the duplicate guard in one script call. */
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
    void theBurstGoesThroughThenTheWaitIsExactAndRoundedUp() {
        String user = UUID.randomUUID().toString();
        long t = RateLimiter.nowMicros();
        // 600 a minute: one every 100 ms, burst 3
        assertEquals(0, take(user, 600, 3, t));
        long ttl = redis.execute("PTTL", "gw:tat:typing:" + user).await().atMost(WAIT).toLong();
        // one interval ahead of its "now": the key lives until the bucket is full again, not a whole burst longer
        assertTrue(ttl > 0 && ttl <= 100, "key lifetime " + ttl);
        assertEquals(0, take(user, 600, 3, t));
        assertEquals(0, take(user, 600, 3, t));
        assertEquals(100, take(user, 600, 3, t), "the burst is spent: the next take is one interval away");
        assertEquals(100, take(user, 600, 3, t + 1), "99.999 ms is told as 100, never too early");
        assertEquals(1, take(user, 600, 3, t + 99_999));
        assertEquals(t + 300_000, tat(user), "a refused take does not move the arrival time");
        assertEquals(0, take(user, 600, 3, t + 100_000), "at the time it told, the take goes through");
        assertEquals(100, take(user, 600, 3, t + 100_000), "and only that one");
        assertEquals(t + 400_000, tat(user));
    }

    @Test
    void theArrivalTimeIsKeptToTheMicrosecond() {
        String user = UUID.randomUUID().toString();
        long t = RateLimiter.nowMicros() + 123;
        // 70 a minute: an interval of 857,142 µs, and a time that is not a whole millisecond
        assertEquals(0, take(user, 70, 10, t));
        assertEquals(t + 857_142, tat(user));
        assertEquals(0, take(user, 70, 10, t + 5));
        assertEquals(t + 2 * 857_142, tat(user), "a float rendering (1.7e+15) would not parse, 14 digits would round");
    }

    @Test
    void limitsThatAllowNothingStopTheGatewayFromStarting() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RateLimiter.check(limits(0)));
        assertTrue(refused.getMessage().contains("must be at least 1, not 0"), refused.getMessage());
        RateLimiter.check(limits(1));
    }

    private long tat(String user) {
        return Long.parseLong(redis.execute("GET", "gw:tat:typing:" + user).await().atMost(WAIT).toString());
    }

    private static GatewayConfig.RateLimits limits(int typingBurst) {
        return new GatewayConfig.RateLimits() {
            public int sendPerMinute() { return 30; }
            public int sendBurst() { return 10; }
            public int syncPerMinute() { return 100; }
            public int syncBurst() { return 20; }
            public int typingPerMinute() { return 10; }
            public int typingBurst() { return typingBurst; }
            public int otherPerMinute() { return 120; }
            public int otherBurst() { return 30; }
        };
    }

    @Test
    void scriptsAreLoadedAgainAfterRedisForgotThem() {
        String user = UUID.randomUUID().toString();
        assertEquals(new SendCheck(0, false), send(user, "before", "c-1", 100));
        redis.execute("SCRIPT", "FLUSH").await().atMost(WAIT);
        assertEquals(new SendCheck(0, false), send(user, "after", "c-2", 100));
        assertEquals(0, limiter.take("typing", user, 60, 10).await().atMost(WAIT));
    }

    private long take(String user, int perMinute, int burst, long nowMicros) {
        return limiter.take("typing", user, perMinute, burst, nowMicros).await().atMost(WAIT);
    }

    private SendCheck send(String user, String text, String clientMsgId, int burst) {
        return limiter.takeForSend(user, "room", text, clientMsgId, 1, burst, WINDOW_MS).await().atMost(WAIT);
    }
}

package io.chat.gateway.ws;

import io.chat.gateway.ws.RateLimiter.SendCheck;
import io.chat.testsupport.TestTokens;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void theBurstGoesThroughThenTheWaitIsOneIntervalAndHonest() throws InterruptedException {
        String user = UUID.randomUUID().toString();
        // 600 a minute: one every 100 ms
        assertEquals(0, take(user, 600, 3));
        assertEquals(0, take(user, 600, 3));
        assertEquals(0, take(user, 600, 3));
        long wait = take(user, 600, 3);
        assertTrue(wait > 0 && wait <= 100, "the burst of 3 is spent, the next one is at most an interval away: " + wait);
        long again = take(user, 600, 3);
        assertTrue(again > 0 && again <= wait, "a refused take does not push the next one further: " + again);
        Thread.sleep(wait + 1);
        assertEquals(0, take(user, 600, 3), "after the wait it told, the take goes through");
        assertTrue(take(user, 600, 3) > 0, "and only that one");
        long ttl = redis.execute("PTTL", "gw:tat:typing:" + user).await().atMost(WAIT).toLong();
        assertTrue(ttl > 0 && ttl <= 300, "the key lives until the bucket is full again (3 intervals): " + ttl);
    }

    @Test
    void theArrivalTimeIsKeptToTheMicrosecond() {
        String user = UUID.randomUUID().toString();
        long before = micros(Instant.now());
        // 70,000 a minute: one every 857 µs, not a whole number of milliseconds
        for (int i = 0; i < 5; i++) {
            assertEquals(0, take(user, 70_000, 1_000));
        }
        long after = micros(Instant.now());
        String tat = redis.execute("GET", "gw:tat:typing:" + user).await().atMost(WAIT).toString();
        // a float rendering ("1.7e+15") would not parse; each take moves the TAT at least one interval on
        long micros = Long.parseLong(tat);
        assertTrue(micros >= before + 5 * 857 && micros <= after + 5 * 857,
                "five intervals of 857 µs past the first take: " + tat + ", first take after " + before);
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    @Test
    void scriptsAreLoadedAgainAfterRedisForgotThem() {
        String user = UUID.randomUUID().toString();
        assertEquals(new SendCheck(0, false), send(user, "before", "c-1", 100));
        redis.execute("SCRIPT", "FLUSH").await().atMost(WAIT);
        assertEquals(new SendCheck(0, false), send(user, "after", "c-2", 100));
        assertEquals(0, limiter.take("typing", user, 60, 10).await().atMost(WAIT));
    }

    private long take(String user, int perMinute, int burst) {
        return limiter.take("typing", user, perMinute, burst).await().atMost(WAIT);
    }

    private SendCheck send(String user, String text, String clientMsgId, int burst) {
        return limiter.takeForSend(user, "room", text, clientMsgId, 1, burst, WINDOW_MS).await().atMost(WAIT);
    }
}

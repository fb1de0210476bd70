package io.chat.gateway.ws;

import io.chat.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * Rate limits per user and command kind, in Redis so that every replica shares them. One Lua script call per check
 * keeps check-and-take atomic in one round trip; a send's limit and its duplicate guard share one call. Scripts go by
 * their SHA-1 (EVALSHA), the body only when Redis does not know it yet (after a restart or a flush).
 *
 * <p>The limit is the generic cell rate algorithm (GCRA), which allows what a token bucket of the same rate and burst
 * allows (the interval rounded down to whole µs), from one string key: the user's theoretical arrival time (TAT), in
 * microseconds. A take moves it one interval (a minute divided by the rate) further; it is refused when that would put
 * it more than {@code burst} intervals ahead of now. The key expires when the bucket would be full again. One GET and
 * one SET of an integer take slightly less of Redis's time than the hash of a float token count and a time that this
 * replaced (docs/benchmarks.md).
 *
 * <p>"now" is the replica's clock, as with the bucket before: a replica whose clock runs behind refuses a little more
 * and one ahead allows a little more, by the skew.
 */
@ApplicationScoped
public class RateLimiter {
    // KEYS[1] the TAT; ARGV: burst, interval µs, now µs. Leaves `wait` at 0 when the take went through, else the ms
    // until it would. The TAT is written with %d so that it stays an exact integer string whatever formats it (Lua's
    // tostring would round a µs timestamp to 14 digits; RateLimiterTest checks the exact value).
    private static final String LIMIT = """
            local burst = tonumber(ARGV[1]); local interval = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
            local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now) + interval
            local wait = tat - now - burst * interval
            if wait > 0 then wait = math.ceil(wait / 1000) else
              wait = 0
              redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000))
            end
            """;
    private static final Script TAKE = new Script(LIMIT + "return wait\n");
    // KEYS[2] the duplicate guard of (user, room, text); ARGV[4] clientMsgId, ARGV[5] window ms. Returns the wait when
    // limited, -1 when the same text came within the window under another clientMsgId, else 0.
    private static final Script SEND = new Script(LIMIT + """
            if wait > 0 then return wait end
            local previous = redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5], 'NX', 'GET')
            if previous and previous ~= ARGV[4] then return -1 end
            return 0
            """);

    /** What a send may do: go on, wait (rate limited) or nothing (a duplicate). */
    public record SendCheck(long waitMs, boolean duplicate) {
    }

    @Inject
    ReactiveRedisDataSource redis;

    /** Every limit must let something through: 0 or less would refuse every command with a retry that never works. */
    void refuseLimitsThatAllowNothing(@Observes StartupEvent event, GatewayConfig config) {
        check(config.rateLimits());
    }

    static void check(GatewayConfig.RateLimits limits) {
        Map<String, Integer> values = Map.of(
                "send-per-minute", limits.sendPerMinute(), "send-burst", limits.sendBurst(),
                "sync-per-minute", limits.syncPerMinute(), "sync-burst", limits.syncBurst(),
                "typing-per-minute", limits.typingPerMinute(), "typing-burst", limits.typingBurst(),
                "other-per-minute", limits.otherPerMinute(), "other-burst", limits.otherBurst());
        values.forEach((name, value) -> {
            if (value < 1) {
                throw new IllegalStateException(
                        "chat.gateway.rate-limits." + name + " must be at least 1, not " + value);
            }
        });
    }

    /** @return 0 when allowed, otherwise the milliseconds after which a retry will be allowed */
    public Uni<Long> take(String kind, String userId, int perMinute, int burst) {
        return take(kind, userId, perMinute, burst, nowMicros());
    }

    /** {@link #take} at a given time, in µs since the epoch (tests). */
    Uni<Long> take(String kind, String userId, int perMinute, int burst, long nowMicros) {
        return eval(TAKE, "1", key(kind, userId), String.valueOf(burst), interval(perMinute), String.valueOf(nowMicros))
                .map(Response::toLong);
    }

    /**
     * A send's token and its spam guard in one round trip: the same text into the same room again within the window
     * is a duplicate, unless it is a retry of the very same message (same clientMsgId), which must stay idempotent.
     * A rate-limited send leaves the guard alone.
     */
    public Uni<SendCheck> takeForSend(String userId, String room, String text, String clientMsgId, int perMinute,
            int burst, long windowMs) {
        String guard = "gw:dup:" + userId + ":" + room + ":" + digest(text);
        return eval(SEND, "2", key("send", userId), guard, String.valueOf(burst), interval(perMinute),
                String.valueOf(nowMicros()), clientMsgId, String.valueOf(windowMs)).map(r -> {
                    long result = r.toLong();
                    return new SendCheck(Math.max(result, 0), result < 0);
                });
    }

    private Uni<Response> eval(Script script, String... args) {
        String[] call = new String[args.length + 1];
        System.arraycopy(args, 0, call, 1, args.length);
        call[0] = script.sha;
        return redis.execute("EVALSHA", call)
                .onFailure(t -> t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")).recoverWithUni(() -> {
                    String[] body = call.clone();
                    body[0] = script.body;
                    return redis.execute("EVAL", body);
                });
    }

    // Not the token buckets' "gw:rl:" keys (hashes), so that replicas of both kinds can run side by side in a rollout
    // (a user on both kinds at once gets both limits; the old keys expire by themselves).
    private static String key(String kind, String userId) {
        return "gw:tat:" + kind + ":" + userId;
    }

    // perMinute >= 1 is checked at start-up; above 60,000,000/min the interval stays at its floor of 1 µs
    private static String interval(int perMinute) {
        return String.valueOf(Math.max(1, 60_000_000L / perMinute));
    }

    // Wall clock, as every replica must agree on it; µs so that rates above 60,000/min keep a sub-millisecond interval.
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private record Script(String body, String sha) {
        Script(String body) {
            this(body, HexFormat.of().formatHex(sha1(body)));
        }
    }

    private static byte[] sha1(String text) {
        return hash("SHA-1", text);
    }

    private static String digest(String text) {
        return HexFormat.of().formatHex(hash("SHA-256", text), 0, 16);
    }

    private static byte[] hash(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.chat.gateway.ws;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


/**
 * Token buckets per user and command kind, in Redis so that every replica shares them. One Lua
 * script call per check keeps refill-and-take atomic in one round trip.
 */
@ApplicationScoped
public class RateLimiter {
    // KEYS[1] bucket; ARGV: capacity, refill per ms, now ms. Returns 0 when allowed, else ms until a token is back.
    private static final String SCRIPT = """
            local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
            local b = redis.call('HMGET', KEYS[1], 't', 'at')
            local tokens = tonumber(b[1]) or cap; local at = tonumber(b[2]) or now
            tokens = math.min(cap, tokens + (now - at) * rate)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
            redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
            return wait
            """;

    @Inject
    ReactiveRedisDataSource redis;

    /** @return 0 when allowed, otherwise the milliseconds after which a retry will be allowed */
    public Uni<Long> take(String kind, String userId, int perMinute, int burst) {
        double perMs = perMinute / 60_000.0;
        return redis.execute("EVAL", SCRIPT, "1", "gw:rl:" + kind + ":" + userId, String.valueOf(burst),
                String.valueOf(perMs), String.valueOf(System.currentTimeMillis())).map(Response::toLong);
    }

    /**
     * Spam guard: the same text into the same room again within the window is a duplicate, unless it
     * is a retry of the very same message (same clientMsgId), which must stay idempotent.
     */
    public Uni<Boolean> isDuplicate(String userId, String room, String text, String clientMsgId, long windowMs) {
        String key = "gw:dup:" + userId + ":" + room + ":" + digest(text);
        return redis.execute("SET", key, clientMsgId, "PX", String.valueOf(windowMs), "NX", "GET").map(previous ->
                previous != null && !previous.toString().equals(clientMsgId));
    }


    private static String digest(String text) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

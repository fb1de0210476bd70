package io.chat.gateway.ws;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Token buckets per user and command kind, in Redis so that every replica shares them. One Lua
 * script call per check keeps refill-and-take atomic in one round trip; a send's bucket and its
 * duplicate guard share one call. Scripts go by their SHA-1 (EVALSHA), the body only when Redis
 * does not know it yet (after a restart or a flush).
 */
@ApplicationScoped
public class RateLimiter {
    // KEYS[1] bucket; ARGV: capacity, refill per ms, now ms. Leaves `wait` at 0 when a token was taken, else the ms
    // until one is back.
    private static final String BUCKET = """
            local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
            local b = redis.call('HMGET', KEYS[1], 't', 'at')
            local tokens = tonumber(b[1]) or cap; local at = tonumber(b[2]) or now
            tokens = math.min(cap, tokens + (now - at) * rate)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
            redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
            """;
    private static final Script TAKE = new Script(BUCKET + "return wait\n");
    // KEYS[2] the duplicate guard of (user, room, text); ARGV[4] clientMsgId, ARGV[5] window ms. Returns the wait when
    // limited, -1 when the same text came within the window under another clientMsgId, else 0.
    private static final Script SEND = new Script(BUCKET + """
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

    /** @return 0 when allowed, otherwise the milliseconds after which a retry will be allowed */
    public Uni<Long> take(String kind, String userId, int perMinute, int burst) {
        return eval(TAKE, "1", bucket(kind, userId), String.valueOf(burst), refill(perMinute), now()).map(Response::toLong);
    }

    /**
     * A send's token and its spam guard in one round trip: the same text into the same room again within the window
     * is a duplicate, unless it is a retry of the very same message (same clientMsgId), which must stay idempotent.
     * A rate-limited send leaves the guard alone.
     */
    public Uni<SendCheck> takeForSend(String userId, String room, String text, String clientMsgId, int perMinute,
            int burst, long windowMs) {
        String guard = "gw:dup:" + userId + ":" + room + ":" + digest(text);
        return eval(SEND, "2", bucket("send", userId), guard, String.valueOf(burst), refill(perMinute), now(), clientMsgId,
                String.valueOf(windowMs)).map(r -> {
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

    private static String bucket(String kind, String userId) {
        return "gw:rl:" + kind + ":" + userId;
    }

    private static String refill(int perMinute) {
        return String.valueOf(perMinute / 60_000.0);
    }

    private static String now() {
        return String.valueOf(System.currentTimeMillis());
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

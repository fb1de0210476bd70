package io.chat.presence.repository;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All presence state lives in Redis under {@code pr:*}. Every aggregate update is one Lua script
 * (one round trip, atomic even with several replicas); the scripts are in {@code resources/lua}.
 */
@ApplicationScoped
public class PresenceStore {
    private final ReactiveRedisDataSource redis;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Counter> roundTrips = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    record Script(String body, String sha) {
    }

    public PresenceStore(ReactiveRedisDataSource redis, MeterRegistry registry) {
        this.redis = redis;
        this.registry = registry;
        String common = resource("common");
        for (String name : List.of("touch", "disconnect", "status", "sweep", "typing_start", "typing_stop",
                "typing_stop_all", "typing_sweep", "members", "query", "erase")) {
            String body = common + "\n" + resource(name);
            scripts.put(name, new Script(body, sha1(body)));
        }
    }

    /** connected and active: one round trip. */
    public Uni<PresenceChange> touch(String user, String gateway, String session, long now, long idleMs,
            long graceMs, long leaseMs, String source) {
        return eval("touch", source, user, gateway, session, num(now), num(idleMs), num(graceMs), num(leaseMs))
                .map(PresenceStore::change);
    }

    public Uni<PresenceChange> disconnect(String user, String session, long now, long idleMs, long graceMs) {
        return eval("disconnect", "signal", user, session, num(now), num(idleMs), num(graceMs))
                .map(PresenceStore::change);
    }

    /** The whole cost of a heartbeat: one ZADD renewing the lease of every socket of the gateway. */
    public Uni<Void> heartbeat(String gateway, long deadline) {
        count("signal");
        return redis.execute("ZADD", "pr:leases", num(deadline), gateway).replaceWithVoid();
    }

    public Uni<PresenceChange> setStatus(String user, String status, String text, long dndUntil, long now,
            long idleMs, long graceMs) {
        return eval("status", "signal", user, status, text == null ? "" : text, num(dndUntil), num(now),
                num(idleMs), num(graceMs)).map(PresenceStore::change);
    }

    public Uni<SweepResult> sweep(long now, long idleMs, long graceMs, long leaseMs, int batch) {
        return eval("sweep", "sweep", num(now), num(idleMs), num(graceMs), num(leaseMs), num(batch)).map(r -> {
            List<PresenceChange> changes = new ArrayList<>();
            for (Response c : r.get(0)) {
                changes.add(change(c));
            }
            return new SweepResult(changes, r.get(1).toLong(), r.get(2).toLong());
        });
    }

    public Uni<Boolean> typingStart(String room, String user, long now, long timeoutMs, long throttleMs) {
        return eval("typing_start", "signal", room, user, num(now), num(timeoutMs), num(throttleMs))
                .map(r -> r.toLong() == 1);
    }

    public Uni<Boolean> typingStop(String room, String user, String source) {
        return eval("typing_stop", source, room, user).map(r -> r.toLong() == 1);
    }

    /** Ends the typing states of all these pairs that have one, in one round trip; returns those that had one. */
    public Uni<List<TypingKey>> typingStopAll(Collection<TypingKey> keys, String source) {
        String[] args = new String[keys.size() * 2];
        int i = 0;
        for (TypingKey k : keys) {
            args[i++] = k.room();
            args[i++] = k.user();
        }
        return eval("typing_stop_all", source, args).map(PresenceStore::typingKeys);
    }

    public Uni<List<TypingKey>> typingSweep(long now, int batch) {
        return eval("typing_sweep", "sweep", num(now), num(batch)).map(PresenceStore::typingKeys);
    }

    private static List<TypingKey> typingKeys(Response members) {
        List<TypingKey> out = new ArrayList<>();
        for (Response m : members) {
            String s = m.toString();
            int i = s.indexOf('\n');
            out.add(new TypingKey(s.substring(0, i), s.substring(i + 1)));
        }
        return out;
    }

    public Uni<Void> setRoomMembers(String room, List<String> members) {
        List<String> args = new ArrayList<>(members.size() + 1);
        args.add(room);
        args.addAll(members);
        return eval("members", "membership", args.toArray(String[]::new)).replaceWithVoid();
    }

    /** The presence of those targets who share a room with the caller (or are the caller). */
    public Uni<List<PresenceChange>> query(String caller, List<String> targets) {
        List<String> args = new ArrayList<>(targets.size() + 1);
        args.add(caller);
        args.addAll(targets);
        return eval("query", "rest", args.toArray(String[]::new)).map(r -> {
            List<PresenceChange> out = new ArrayList<>();
            for (Response c : r) {
                out.add(change(c));
            }
            return out;
        });
    }

    /** Removes everything about the user; true when an offline must be published. */
    public Uni<Boolean> erase(String user, long tombstoneMs) {
        return eval("erase", "user", user, num(tombstoneMs)).map(r -> r.toLong() == 1);
    }

    public Uni<Boolean> hideLastSeen(String user) {
        count("rest");
        return redis.execute("HGET", "pr:set:" + user, "hideLastSeen").map(r -> r != null && "1".equals(r.toString()));
    }

    public Uni<Void> setHideLastSeen(String user, boolean hide) {
        count("rest");
        return redis.execute("HSET", "pr:set:" + user, "hideLastSeen", hide ? "1" : "0").replaceWithVoid();
    }

    /** Is the user erased (tombstone present)? Settings of an erased user are not recreated. */
    public Uni<Boolean> isDeleted(String user) {
        count("rest");
        return redis.execute("EXISTS", "pr:deleted:" + user).map(r -> r.toLong() == 1);
    }

    /** EVALSHA, falling back to EVAL once when Redis does not know the script yet (restart, flush). */
    private Uni<Response> eval(String name, String source, String... args) {
        Script s = scripts.get(name);
        count(source);
        String[] shaArgs = new String[args.length + 2];
        shaArgs[0] = s.sha();
        shaArgs[1] = "0";
        System.arraycopy(args, 0, shaArgs, 2, args.length);
        return redis.execute("EVALSHA", shaArgs)
                .onFailure(t -> t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> {
                    count(source);
                    String[] evalArgs = shaArgs.clone();
                    evalArgs[0] = s.body();
                    return redis.execute("EVAL", evalArgs);
                });
    }

    private void count(String source) {
        roundTrips.computeIfAbsent(source, s -> Counter.builder("chat_presence_redis_roundtrips")
                .description("Redis round trips by what caused them (signal, sweep, membership, user, rest)")
                .tag("source", s).register(registry)).increment();
    }

    private static PresenceChange change(Response r) {
        if (r == null) {
            return null;
        }
        String text = r.get(2).toString();
        String seen = r.get(3).toString();
        return new PresenceChange(r.get(0).toString(), r.get(1).toString(), text.isEmpty() ? null : text,
                seen.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(seen)));
    }

    private static String num(long n) {
        return Long.toString(n);
    }

    private static String resource(String name) {
        try (InputStream in = PresenceStore.class.getResourceAsStream("/lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script lua/" + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha1(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

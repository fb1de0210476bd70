package io.chat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark accounts, created once through the real API (register + login: two Argon2id hashes each, the
 * expensive part) and kept in a file next to the results ({@code users-<host>-<port>.json}). Later runs only
 * refresh their tokens ({@code POST /api/auth/refresh}: no password hash); refresh tokens rotate, so the file is
 * rewritten after every refresh. An account whose refresh token no longer works logs in again.
 */
public final class UserPool {
    /** One account; tokens change as they are refreshed. */
    public static final class User {
        public final int index;
        public final String username;
        public final String userId;
        volatile String refreshToken;
        public volatile String accessToken;
        volatile long accessExpiresAtMillis;

        User(int index, String username, String userId, String refreshToken, String accessToken, long accessExpiresAtMillis) {
            this.index = index;
            this.username = username;
            this.userId = userId;
            this.refreshToken = refreshToken;
            this.accessToken = accessToken;
            this.accessExpiresAtMillis = accessExpiresAtMillis;
        }
    }

    private final Path file;
    private final Api api;
    private final String prefix;
    private final String password;
    private final List<User> users = new ArrayList<>();

    private UserPool(Path file, Api api, String prefix, String password) {
        this.file = file;
        this.api = api;
        this.prefix = prefix;
        this.password = password;
    }

    public static UserPool open(Path dir, Api api) throws IOException {
        Path file = dir.resolve("users-" + api.host.replaceAll("[^A-Za-z0-9.]", "_") + "-" + api.port + ".json");
        if (Files.exists(file)) {
            JsonNode root = Frame.JSON.readTree(file.toFile());
            UserPool pool = new UserPool(file, api, root.path("prefix").asText(), root.path("password").asText());
            int i = 0;
            for (JsonNode u : root.path("users")) {
                pool.users.add(new User(i++, u.path("username").asText(), u.path("userId").asText(),
                        u.path("refreshToken").asText(null), u.path("accessToken").asText(null),
                        u.path("accessExpiresAt").asLong(0)));
            }
            return pool;
        }
        SecureRandom rnd = new SecureRandom();
        byte[] b = new byte[3];
        rnd.nextBytes(b);
        byte[] pw = new byte[12];
        rnd.nextBytes(pw);
        return new UserPool(file, api, "lt" + HexFormat.of().formatHex(b), "Bench-" + HexFormat.of().formatHex(pw));
    }

    public Path file() {
        return file;
    }

    public int size() {
        return users.size();
    }

    /**
     * The first {@code n} accounts, each with an access token valid for at least {@code validFor}: registers the
     * missing accounts, refreshes stale tokens. Progress goes to {@code progress}.
     */
    public List<User> ready(int n, int concurrency, Duration validFor, Progress progress) throws IOException {
        int missing = n - users.size();
        if (missing > 0) {
            register(missing, concurrency, progress);
        }
        List<User> wanted = users.subList(0, n);
        long needUntil = System.currentTimeMillis() + validFor.toMillis();
        List<User> stale = wanted.stream().filter(u -> u.accessToken == null || u.accessExpiresAtMillis < needUntil).toList();
        if (!stale.isEmpty()) {
            AtomicInteger done = new AtomicInteger();
            AtomicInteger relogins = new AtomicInteger();
            progress.phase("refreshing tokens", () -> "refreshed " + done.get() + "/" + stale.size()
                    + (relogins.get() > 0 ? " (logged in again: " + relogins.get() + ")" : ""));
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Api.bounded(stale.size(), Math.max(concurrency, 16), Duration.ofMinutes(30), i -> {
                User u = stale.get(i);
                return refresh(u).recover(e -> {
                    relogins.incrementAndGet();
                    return login(u);
                }).onSuccess(x -> done.incrementAndGet());
            }, failures::add);
            save();
            if (!failures.isEmpty()) {
                throw new IllegalStateException(failures.size() + " accounts could not get a token, first: " + failures.get(0).getMessage());
            }
        }
        return List.copyOf(wanted);
    }

    private void register(int missing, int concurrency, Progress progress) throws IOException {
        int from = users.size();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        progress.phase("registering accounts (Argon2id: register + login each)", () -> {
            double s = (System.nanoTime() - start) / 1e9;
            int d = done.get();
            return "registered " + d + "/" + missing + String.format(" (%.1f/s, pool file %s)", d / Math.max(s, 0.001), file.getFileName());
        });
        // in chunks, saving after each, so that an interrupted provisioning keeps what it made
        int chunk = 500;
        for (int base = 0; base < missing; base += chunk) {
            int size = Math.min(chunk, missing - base);
            int first = from + base;
            User[] made = new User[size];
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Api.bounded(size, concurrency, Duration.ofMinutes(30), i -> {
                int index = first + i;
                String username = String.format("%s_%06d", prefix, index);
                return api.post("/api/auth/register", null, Map.of("username", username, "password", password,
                        "displayName", "bench " + index)).compose(r -> {
                    if (r.status() != 201) {
                        return Future.failedFuture("register " + username + ": " + r.status() + " " + r.body());
                    }
                    User u = new User(index, username, r.body().path("userId").asText(), null, null, 0);
                    return login(u).map(x -> {
                        made[i] = u;
                        done.incrementAndGet();
                        return u;
                    });
                });
            }, failures::add);
            for (User u : made) {
                if (u == null) {
                    save();
                    throw new IllegalStateException("registration failed: " + failures.get(0).getMessage());
                }
                users.add(u);
            }
            save();
        }
    }

    private Future<User> login(User u) {
        return api.post("/api/auth/login", null, Map.of("username", u.username, "password", password))
                .compose(r -> r.status() == 200 ? Future.succeededFuture(take(u, r.body()))
                        : Future.failedFuture("login " + u.username + ": " + r.status() + " " + r.body()));
    }

    private Future<User> refresh(User u) {
        if (u.refreshToken == null) {
            return Future.failedFuture("no refresh token");
        }
        return api.post("/api/auth/refresh", null, Map.of("refreshToken", u.refreshToken))
                .compose(r -> r.status() == 200 ? Future.succeededFuture(take(u, r.body()))
                        : Future.failedFuture("refresh " + u.username + ": " + r.status()));
    }

    private static User take(User u, JsonNode tokens) {
        u.accessToken = tokens.path("accessToken").asText();
        u.refreshToken = tokens.path("refreshToken").asText();
        // a little early, for clock skew and the time the token took to arrive
        u.accessExpiresAtMillis = System.currentTimeMillis() + tokens.path("expiresIn").asLong(900) * 1000 - 30_000;
        return u;
    }

    public synchronized void save() throws IOException {
        ObjectNode root = Frame.JSON.createObjectNode();
        root.put("gateway", "http://" + api.host + ":" + api.port);
        root.put("note", "load-test accounts (scripts/bench.sh); delete this file to start a new pool");
        root.put("prefix", prefix);
        root.put("password", password);
        ArrayNode list = root.putArray("users");
        for (User u : users) {
            ObjectNode o = list.addObject();
            o.put("username", u.username).put("userId", u.userId).put("refreshToken", u.refreshToken)
                    .put("accessToken", u.accessToken).put("accessExpiresAt", u.accessExpiresAtMillis);
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Frame.JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

package io.chat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** The REST API through the gateway, as a client sees it; answers 429/503 are retried with back-off. */
public final class Api {
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final Vertx vertx;
    private final WebClient web;
    public final String host;
    public final int port;

    public Api(Vertx vertx, String host, int port) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost(host).setDefaultPort(port)
                .setMaxPoolSize(64).setKeepAlive(true).setConnectTimeout(10_000).setIdleTimeout(60));
    }

    public Future<Reply> call(HttpMethod method, String path, String token, Object body) {
        return attempt(method, path, token, body, 0);
    }

    private Future<Reply> attempt(HttpMethod method, String path, String token, Object body, int tries) {
        HttpRequest<Buffer> req = web.request(method, path).timeout(60_000);
        if (token != null) {
            req.putHeader("Authorization", "Bearer " + token);
        }
        Future<io.vertx.ext.web.client.HttpResponse<Buffer>> f;
        if (body == null) {
            f = req.send();
        } else {
            req.putHeader("Content-Type", "application/json");
            f = req.sendBuffer(Buffer.buffer(Frame.JSON.valueToTree(body).toString()));
        }
        return f.compose(r -> {
            int status = r.statusCode();
            if ((status == 429 || status == 503) && tries < 6) {
                long wait = 200L << tries;
                String ra = r.getHeader("Retry-After");
                if (ra != null) {
                    try {
                        wait = Math.max(wait, Long.parseLong(ra.trim()) * 1000);
                    } catch (NumberFormatException ignored) {
                        // keep the back-off
                    }
                }
                Promise<Reply> p = Promise.promise();
                vertx.setTimer(Math.min(wait, 10_000), t -> attempt(method, path, token, body, tries + 1).onComplete(p));
                return p.future();
            }
            JsonNode json = null;
            Buffer b = r.body();
            if (b != null && b.length() > 0) {
                try {
                    json = Frame.JSON.readTree(b.getBytes());
                } catch (IOException e) {
                    json = Frame.JSON.createObjectNode().put("raw", b.toString());
                }
            }
            return Future.succeededFuture(new Reply(status, json == null ? Frame.JSON.createObjectNode() : json));
        });
    }

    public Future<Reply> post(String path, String token, Object body) {
        return call(HttpMethod.POST, path, token, body);
    }

    public Future<Reply> get(String path, String token) {
        return call(HttpMethod.GET, path, token, null);
    }

    /** A group room created by {@code owner} with the other members; answers the room id. */
    public Future<String> createRoom(UserPool.User owner, String name, List<String> otherMemberIds) {
        ObjectNode body = Frame.JSON.createObjectNode().put("kind", "group").put("name", name);
        otherMemberIds.forEach(body.putArray("members")::add);
        return post("/api/rooms", owner.accessToken, body).compose(r -> r.status() == 201
                ? Future.succeededFuture(r.body().path("id").asText())
                : Future.failedFuture("POST /api/rooms answered " + r.status() + " " + r.body()));
    }

    /** Text of any URL path of the gateway (e.g. /q/metrics), not retried. */
    public Future<String> text(String path) {
        return web.get(path).timeout(10_000).send().map(r -> r.bodyAsString());
    }

    public static <T> T await(Future<T> f, Duration timeout) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * Runs {@code n} asynchronous tasks with at most {@code concurrency} in flight; waits at most {@code timeout}.
     * Results in task order; a failed task's slot holds null and its failure is counted.
     */
    /** {@link #bounded} for tasks that must all succeed: the first failure is thrown once all have finished. */
    public static <T> List<T> boundedAll(int n, int concurrency, Duration timeout, IntFunction<Future<T>> task, String what) {
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<T> out = bounded(n, concurrency, timeout, task, failures::add);
        if (!failures.isEmpty()) {
            throw new IllegalStateException(what + ": " + failures.size() + " of " + n + " failed, first: " + failures.get(0).getMessage());
        }
        return out;
    }

    public static <T> List<T> bounded(int n, int concurrency, Duration timeout, IntFunction<Future<T>> task,
            java.util.function.Consumer<Throwable> onFailure) {
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<T>> all = new ArrayList<>(n);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (int i = 0; i < n; i++) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("timed out after " + timeout + " with " + i + " of " + n + " tasks started");
                }
                CompletableFuture<T> cf = new CompletableFuture<>();
                all.add(cf);
                Future<T> f;
                try {
                    f = task.apply(i);
                } catch (RuntimeException e) {
                    f = Future.failedFuture(e);
                }
                f.onComplete(ar -> {
                    slots.release();
                    if (ar.failed()) {
                        try {
                            onFailure.accept(ar.cause());
                        } finally {
                            cf.complete(null);
                        }
                    } else {
                        cf.complete(ar.result());
                    }
                });
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out after " + timeout);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return all.stream().map(CompletableFuture::join).toList();
    }
}

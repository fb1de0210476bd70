package io.chat.gateway;

import com.sun.net.httpserver.HttpServer;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's calls to message-service in a reconnect storm, when message-service is slow or failing: the
 * memberships call of each handshake (the socket waits for its hello while the gateway retries, instead of being
 * closed with 1011, which would only send the client into another reconnect), calls queued for a pooled
 * connection, and slow syncs. message-service is replaced here by a small HTTP stub.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(MessageServiceCallsTest.FlakyMessageService.class)
class MessageServiceCallsTest {
    static final int HEARTBEAT_SECONDS = 1;
    @TestHTTPResource("/ws")
    URI http;
    @Inject
    MeterRegistry metrics;

    /**
     * Answers GET /api/rooms/memberships with 503 until {@code up}, then with one room, each answer after
     * {@code delayMillis}; answers POST /api/sync with nothing missed after {@code syncDelayMillis}. The gateway gets
     * one pooled connection to it and waits at most 1 s for an answer.
     */
    public static class FlakyMessageService implements QuarkusTestResourceLifecycleManager {
        static volatile boolean up;
        static volatile long delayMillis;
        static volatile long syncDelayMillis;
        static final AtomicInteger CALLS = new AtomicInteger();
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/api/rooms/memberships", exchange -> {
                CALLS.incrementAndGet();
                pause(delayMillis); // the stub has one thread: calls are answered one after another
                byte[] body = (up ? "{\"room-1\":[\"a\",\"b\"]}" : "{\"code\":\"unavailable\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(up ? 200 : 503, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.createContext("/api/sync", exchange -> {
                exchange.getRequestBody().readAllBytes();
                pause(syncDelayMillis);
                byte[] body = "{\"rooms\":{}}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            // a short heartbeat, so that the wait below outlasts the half-open limit (three silent heartbeats)
            return Map.of("chat.gateway.services.message", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "chat.gateway.heartbeat-interval", HEARTBEAT_SECONDS + "s",
                    "chat.gateway.message-calls.pool-size", "1",
                    "chat.gateway.message-calls.answer-timeout", "1s");
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    private double failedMembershipCalls() {
        return metrics.counter("chat_gateway_message_calls_failed_total", "call", "memberships").count();
    }

    /** A socket of a new user, recording the frames and close codes it gets. */
    private WebSocket connect(List<String> frames, List<Integer> closes) {
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                frames.add(data.toString());
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                closes.add(status);
                return null;
            }
        };
        URI uri = URI.create(http.toString().replaceFirst("^http", "ws"));
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TestTokens.forUser(UUID.randomUUID().toString()))
                .buildAsync(uri, listener).join();
    }

    @Test
    void socketWaitsForItsHelloWhileMembershipsFailInsteadOfBeingClosed() throws Exception {
        FlakyMessageService.up = false;
        FlakyMessageService.delayMillis = 0;
        FlakyMessageService.CALLS.set(0);
        List<String> frames = new CopyOnWriteArrayList<>();
        List<Integer> closes = new CopyOnWriteArrayList<>();
        long opened = System.currentTimeMillis();
        WebSocket ws = connect(frames, closes);

        // failing answers are retried, the socket stays open and gets no hello yet
        long until = System.currentTimeMillis() + 10_000;
        while (FlakyMessageService.CALLS.get() < 3 && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertTrue(FlakyMessageService.CALLS.get() >= 3, "memberships retried: " + FlakyMessageService.CALLS.get());
        // a socket still waiting for its hello has nothing to say yet: it is not half-open, however long the wait
        Thread.sleep(Math.max(0, opened + (3 * HEARTBEAT_SECONDS + 3) * 1000L - System.currentTimeMillis()));
        assertTrue(frames.stream().noneMatch(f -> f.contains("\"hello\"")), "no hello before the rooms are known: " + frames);
        assertEquals(List.of(), closes, "the socket was closed while waiting");

        FlakyMessageService.up = true;
        until = System.currentTimeMillis() + 10_000;
        while (frames.stream().noneMatch(f -> f.contains("\"hello\"")) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertTrue(frames.stream().anyMatch(f -> f.contains("\"hello\"")), "hello once message-service answers: " + frames);
        assertEquals(List.of(), closes);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    /**
     * Five sockets at once, one pooled connection, each answer after 0.6 s: the last call waits about 2.4 s for
     * the connection, longer than the 1 s answer timeout. Waiting for the connection is not the answer being late,
     * so every socket gets its hello from its first call. (Before, queued calls expired unsent, and went to the back
     * of the queue when retried.)
     */
    @Test
    void callsQueuedForTheConnectionWaitTheirTurnInsteadOfTimingOut() throws Exception {
        FlakyMessageService.up = true;
        FlakyMessageService.delayMillis = 600;
        FlakyMessageService.CALLS.set(0);
        double failedBefore = failedMembershipCalls();
        int sockets = 5;
        List<List<String>> frames = new java.util.ArrayList<>();
        List<Integer> closes = new CopyOnWriteArrayList<>();
        List<WebSocket> open = new java.util.ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            List<String> mine = new CopyOnWriteArrayList<>();
            frames.add(mine);
            open.add(connect(mine, closes));
        }
        long until = System.currentTimeMillis() + 20_000;
        while (frames.stream().anyMatch(f -> f.stream().noneMatch(x -> x.contains("\"hello\""))) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertTrue(frames.stream().allMatch(f -> f.stream().anyMatch(x -> x.contains("\"hello\""))), "every socket greeted: " + frames);
        assertEquals(List.of(), closes);
        assertEquals(sockets, FlakyMessageService.CALLS.get(), "one memberships call per socket, none asked twice");
        assertEquals(failedBefore, failedMembershipCalls(), "no call expired while it waited for the connection");
        for (WebSocket ws : open) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    /**
     * A socket's frames and pongs are handled one at a time. A sync that waits for message-service must not hold that
     * line: a ping sent after a slow sync is answered first, and the sync is answered when message-service is done.
     */
    @Test
    void aSlowSyncDoesNotHoldTheSocketsOtherFrames() throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        List<Integer> closes = new CopyOnWriteArrayList<>();
        WebSocket ws = greeted(800, frames, closes);
        ws.sendText("{\"type\":\"sync\",\"id\":\"s1\",\"rooms\":{\"room-1\":0}}", true).join();
        ws.sendText("{\"type\":\"ping\",\"id\":\"p1\"}", true).join();
        awaitFrame(frames, "\"ref\":\"s1\"");
        int ping = indexOf(frames, "\"ref\":\"p1\"");
        int sync = indexOf(frames, "\"ref\":\"s1\"");
        assertTrue(ping >= 0 && ping < sync, "the ping was answered before the slow sync: " + frames);
        assertTrue(frames.get(sync).contains("\"type\":\"ack\"") && frames.get(sync).contains("\"rooms\""),
                "the sync was answered: " + frames.get(sync));
        assertEquals(List.of(), closes);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    /**
     * A socket's syncs run one after another (one socket cannot take more of the pooled connections to message-service)
     * and at most four run or wait: more are refused as rate_limited, retryable. (Here the single pooled connection
     * would order the answers anyway; what this checks is the limit, and that the syncs do not hold the ping.)
     */
    @Test
    void aSocketsSyncsRunInTurnAndAtMostFourWait() throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        List<Integer> closes = new CopyOnWriteArrayList<>();
        WebSocket ws = greeted(300, frames, closes);
        for (int i = 1; i <= 6; i++) {
            ws.sendText("{\"type\":\"sync\",\"id\":\"s" + i + "\",\"rooms\":{\"room-1\":0}}", true).join();
        }
        ws.sendText("{\"type\":\"ping\",\"id\":\"p1\"}", true).join();
        awaitFrame(frames, "\"ref\":\"s4\"");
        for (int i = 5; i <= 6; i++) {
            String refused = frames.get(indexOf(frames, "\"ref\":\"s" + i + "\""));
            assertTrue(refused.contains("\"type\":\"error\"") && refused.contains("\"code\":\"rate_limited\""),
                    "the fifth and sixth are refused: " + refused);
        }
        int previous = indexOf(frames, "\"ref\":\"p1\"");
        assertTrue(previous >= 0, "the ping was answered: " + frames);
        for (int i = 1; i <= 4; i++) {
            int at = indexOf(frames, "\"ref\":\"s" + i + "\"");
            assertTrue(at > previous && frames.get(at).contains("\"type\":\"ack\""),
                    "sync " + i + " answered after the ping and the syncs before it: " + frames);
            previous = at;
        }
        assertEquals(List.of(), closes);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    /** A socket past its hello, with message-service answering memberships at once and syncs after the delay. */
    private WebSocket greeted(long syncDelayMillis, List<String> frames, List<Integer> closes) throws InterruptedException {
        FlakyMessageService.up = true;
        FlakyMessageService.delayMillis = 0;
        FlakyMessageService.syncDelayMillis = syncDelayMillis;
        WebSocket ws = connect(frames, closes);
        awaitFrame(frames, "\"hello\"");
        return ws;
    }

    private static void awaitFrame(List<String> frames, String part) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (indexOf(frames, part) < 0 && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        assertTrue(indexOf(frames, part) >= 0, "a frame with " + part + ": " + frames);
    }

    private static int indexOf(List<String> frames, String part) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}

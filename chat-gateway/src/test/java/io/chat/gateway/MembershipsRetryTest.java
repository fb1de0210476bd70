package io.chat.gateway;

import com.sun.net.httpserver.HttpServer;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
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
 * A reconnect storm makes message-service slow to answer the memberships call of each handshake. The
 * socket then waits for its hello (the gateway retries with back-off) instead of being closed with 1011,
 * which would only send the client into another reconnect. message-service is replaced here by a small
 * HTTP stub that fails until the test lets it answer.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@QuarkusTestResource(MembershipsRetryTest.FlakyMessageService.class)
class MembershipsRetryTest {
    @TestHTTPResource("/ws")
    URI http;

    /** Answers GET /api/rooms/memberships with 503 until {@code up}, then with one room. */
    public static class FlakyMessageService implements QuarkusTestResourceLifecycleManager {
        static volatile boolean up;
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
                byte[] body = (up ? "{\"room-1\":[\"a\",\"b\"]}" : "{\"code\":\"unavailable\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(up ? 200 : 503, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return Map.of("chat.gateway.services.message", "http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    @Test
    void socketWaitsForItsHelloWhileMembershipsFailInsteadOfBeingClosed() throws Exception {
        FlakyMessageService.up = false;
        List<String> frames = new CopyOnWriteArrayList<>();
        List<Integer> closes = new CopyOnWriteArrayList<>();
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
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TestTokens.forUser(UUID.randomUUID().toString()))
                .buildAsync(uri, listener).join();

        // failing answers are retried, the socket stays open and gets no hello yet
        long until = System.currentTimeMillis() + 10_000;
        while (FlakyMessageService.CALLS.get() < 3 && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertTrue(FlakyMessageService.CALLS.get() >= 3, "memberships retried: " + FlakyMessageService.CALLS.get());
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
}

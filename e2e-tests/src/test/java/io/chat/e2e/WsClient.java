package io.chat.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A protocol v1 test client on the JDK's WebSocket: collects every frame and the close code. */
public final class WsClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WsClient(WebSocket.Builder builder, URI uri) {
        this.socket = builder.connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new Listener()).join();
    }

    /** A native client: the token in the Authorization header. */
    public static WsClient withHeader(String wsUrl, String token) {
        return new WsClient(HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token),
                URI.create(wsUrl));
    }

    /** A browser: the token rides in Sec-WebSocket-Protocol next to chat.v1, as browsers cannot set headers. */
    public static WsClient withSubprotocol(String wsUrl, String token, String origin) {
        String carrier = "quarkus-http-upgrade#Authorization#" + URLEncoder.encode("Bearer " + token, StandardCharsets.UTF_8)
                .replace("+", "%20");
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("chat.v1", carrier);
        if (origin != null) {
            b.header("Origin", origin);
        }
        return new WsClient(b, URI.create(wsUrl));
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        for (JsonNode f : seen) {
            if (match.test(f)) {
                seen.remove(f);
                return f;
            }
        }
        try {
            while (true) {
                long left = until - System.nanoTime();
                JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new AssertionError("no matching frame within " + timeout + "; unmatched: " + seen);
                }
                if (match.test(f)) {
                    return f;
                }
                seen.add(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode awaitType(String type, Duration timeout) {
        return await(f -> type.equals(f.path("type").asText()), timeout);
    }

    /** The one answer (ack or error) to the command with this id. */
    public JsonNode answerTo(String id, Duration timeout) {
        return await(f -> id.equals(f.path("ref").asText()) && (f.path("type").asText().equals("ack")
                || f.path("type").asText().equals("error")), timeout);
    }

    /** Everything that arrives within the window (to assert that something did not). */
    public List<JsonNode> drain(Duration window) {
        List<JsonNode> out = new ArrayList<>(seen);
        seen.clear();
        long until = System.nanoTime() + window.toNanos();
        try {
            while (System.nanoTime() < until) {
                JsonNode f = frames.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f != null) {
                    out.add(f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(1000, "bye").exceptionally(e -> null).join();
        }
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    frames.add(JSON.createObjectNode().put("type", "__unparseable__").put("raw", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }
}

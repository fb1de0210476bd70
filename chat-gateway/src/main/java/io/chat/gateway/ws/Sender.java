package io.chat.gateway.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.vertx.core.http.WebSocketBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Writes frames to sockets; counts what goes out. Writes never block and a failed write only means the socket is gone. */
@ApplicationScoped
public class Sender {
    private static final Logger LOG = Logger.getLogger(Sender.class);

    /**
     * The Vert.x socket under a WebSockets Next connection. {@code sendText} wraps every write in a {@code Uni} built from
     * a {@code CompletionStage} and subscribed with three context captures: 19 % of the gateway's allocations at
     * 1,000 msg/s (docs/benchmarks.md, eighth round), for a result nobody here waits for. WebSockets Next keeps the
     * socket package-private, so it is reached through a method handle; null if a Quarkus upgrade removed the method,
     * and frames then go through {@code sendText} (SenderTest fails, so the upgrade does not slip by unnoticed).
     * What {@code sendText} adds besides is off here: WebSockets Next's traffic log and sent-message metrics
     * ({@code quarkus.websockets-next.server.traffic-logging/metrics.enabled}) would not see these frames.
     */
    static final MethodHandle SOCKET = socketHandle();

    @Inject
    MeterRegistry metrics;

    /** One counter per frame type, looked up once: a registry lookup per delivered frame costs more than the write. */
    private final Map<String, Counter> framesOut = new ConcurrentHashMap<>();

    public void send(ClientSession session, ObjectNode frame) {
        sendRaw(session, frame.path("type").asText(), frame.toString());
    }

    /** For fan-out: the frame is serialised once and the same text goes to every socket. */
    public void sendRaw(ClientSession session, String type, String text) {
        if (session.connection.isOpen()) {
            write(session.connection, text);
            framesOut.computeIfAbsent(type, t -> metrics.counter("chat_gateway_frames_out_total", "type", t)).increment();
        }
    }

    public void error(ClientSession session, String ref, String code, String message, Long retryAfterMs) {
        metrics.counter("chat_gateway_errors_total", "code", code).increment();
        sendRaw(session, "error", Frames.error(ref, code, message, retryAfterMs));
    }

    /**
     * Frames of one socket keep their order either way: Vert.x queues writes from other threads on the socket's event
     * loop. Never throws: a fan-out loop goes on to the room's other sockets whatever one of them does.
     */
    static void write(WebSocketConnection connection, String text) {
        WebSocketBase socket = socket(connection);
        if (socket == null) {
            connection.sendText(text).subscribe().with(x -> { }, e -> { });
            return;
        }
        try {
            socket.writeTextMessage(text); // its future is not observed: a failed write means the socket is closing
        } catch (RuntimeException e) { // an event loop shutting down
            LOG.debugf("a frame was not written: %s", e.toString());
        }
    }

    /** @return the socket, or null to write through {@code sendText} */
    static WebSocketBase socket(WebSocketConnection connection) {
        if (SOCKET == null || !(connection instanceof WebSocketConnectionBase base)) {
            return null;
        }
        try {
            return (WebSocketBase) SOCKET.invokeExact(base);
        } catch (Throwable e) {
            LOG.warnf("reading the socket of a WebSockets Next connection failed, using sendText: %s", e.toString());
            return null;
        }
    }

    private static MethodHandle socketHandle() {
        try {
            return MethodHandles.privateLookupIn(WebSocketConnectionBase.class, MethodHandles.lookup())
                    .findVirtual(WebSocketConnectionBase.class, "webSocket", MethodType.methodType(WebSocketBase.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("frames go through WebSocketConnection.sendText, which allocates more per frame: %s", e.toString());
            return null;
        }
    }
}

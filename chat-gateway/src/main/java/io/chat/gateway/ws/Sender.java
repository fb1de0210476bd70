package io.chat.gateway.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Writes frames to sockets; counts what goes out. Writes never block and a failed write only means the socket is gone. */
@ApplicationScoped
public class Sender {
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
            session.connection.sendText(text).subscribe().with(x -> { }, e -> { });
            framesOut.computeIfAbsent(type, t -> metrics.counter("chat_gateway_frames_out_total", "type", t)).increment();
        }
    }

    public void error(ClientSession session, String ref, String code, String message, Long retryAfterMs) {
        metrics.counter("chat_gateway_errors_total", "code", code).increment();
        sendRaw(session, "error", Frames.error(ref, code, message, retryAfterMs));
    }
}

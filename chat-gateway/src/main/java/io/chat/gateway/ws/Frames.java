package io.chat.gateway.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.chat.contracts.ErrorCodes;

import java.time.Instant;

/** Building and reading protocol v1 frames. Parsing is bounded so hostile frames cost little. */
public final class Frames {
    /** Nesting deeper than any legitimate frame needs is refused by the parser itself. */
    private static final int MAX_DEPTH = 16;

    public static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(70_000).build())
            .build()).registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Frames() {
    }

    public static ObjectNode frame(String type) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", type);
        return node;
    }

    public static ObjectNode ack(String ref) {
        ObjectNode node = frame("ack");
        node.put("ref", ref);
        return node;
    }

    public static String error(String ref, String code, String message) {
        return error(ref, code, message, null);
    }

    public static String error(String ref, String code, String message, Long retryAfterMs) {
        ObjectNode node = frame("error");
        if (ref != null) {
            node.put("ref", ref);
        }
        node.put("code", code);
        node.put("message", message);
        boolean retryable = retryAfterMs != null || ErrorCodes.UNAVAILABLE.equals(code) || ErrorCodes.INTERNAL.equals(code);
        node.put("retryable", retryable);
        if (retryAfterMs != null) {
            node.put("retryAfterMs", retryAfterMs);
        }
        node.put("ts", Instant.now().toString());
        return node.toString();
    }

    public static JsonNode parse(String text) throws java.io.IOException {
        return JSON.readTree(text);
    }
}

package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * The contract's error body: the WebSocket {@code error} frame and, without {@code ref}, every
 * REST error. {@code code} is one of the fixed codes; {@code details} holds field-level messages.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String type, String ref, String code, String message, boolean retryable,
        Long retryAfterMs, Instant ts, Map<String, String> details) {

    public static ErrorBody of(String code, String message, boolean retryable, Long retryAfterMs,
            Map<String, String> details) {
        return new ErrorBody("error", null, code, message, retryable, retryAfterMs, Instant.now(), details);
    }
}

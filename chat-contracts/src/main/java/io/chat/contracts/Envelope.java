package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * Every record on every topic is one envelope. {@code type} names the payload record
 * (see {@link EventTypes}); consumers skip types they do not know, so producers may add types.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String eventId, String type, Instant occurredAt, int version, JsonNode payload) {
    public static final int VERSION = 1;
}

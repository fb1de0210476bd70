package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/**
 * Every record on every topic is one envelope. {@code type} names the payload record
 * (see {@link EventTypes}); consumers skip types they do not know, so producers may add types.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String eventId, String type, Instant occurredAt, int version, JsonNode payload) {
    public static final int VERSION = 1;

    /**
     * What a producer writes: the same JSON as an {@link Envelope}, with the payload serialised straight from its
     * object instead of being turned into a {@code JsonNode} tree first (the tree was 5-8 % of the gateway's and
     * message-service's allocations on the send path).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outgoing(String eventId, String type, Instant occurredAt, int version, Object payload) {
        /** A new event: a fresh id, now, this version. */
        public static Outgoing of(String type, Object payload) {
            return new Outgoing(UUID.randomUUID().toString(), type, Instant.now(), VERSION, payload);
        }
    }
}

package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A user's aggregated status changed: online, away, dnd or offline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PresenceChanged(String user, String status, String text, Instant lastSeen) {
}

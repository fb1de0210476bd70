package io.chat.presence.repository;

import java.time.Instant;

/** A change of a user's published (aggregated) status, as decided atomically in Redis. */
public record PresenceChange(String user, String status, String text, Instant lastSeen) {
}

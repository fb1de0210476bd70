package io.chat.presence.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** One item of GET /api/presence. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PresenceView(String user, String status, String text, Instant lastSeen) {
}

package io.chat.presence.rest;

/** GET/PUT /api/presence/settings body. */
public record PresenceSettings(Boolean hideLastSeen) {
}

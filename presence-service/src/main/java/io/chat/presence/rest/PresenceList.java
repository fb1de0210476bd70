package io.chat.presence.rest;

import java.util.List;

/** GET /api/presence answer: {items:[...]} (never paged: the query is capped instead). */
public record PresenceList(List<PresenceView> items) {
}

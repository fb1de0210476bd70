package io.chat.notification.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * A user's notification settings, as stored (JSON) and as served by {@code GET|PUT /api/notification-settings}.
 * {@code level} null means "by room kind" (direct and support rooms: all; groups and channels: mentions).
 * {@code emailDigestIntervalMinutes} null means the service default.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationSettings(String level, boolean muted, boolean emailDigest, Integer emailDigestIntervalMinutes,
        QuietHours quietHours, Instant dndUntil, boolean readReceipts, boolean previews, Map<String, RoomSettings> rooms) {

    public static final NotificationSettings DEFAULTS =
            new NotificationSettings(null, false, true, null, null, null, true, true, Map.of());

    /** Quiet hours {@code start}–{@code end} ("HH:mm", may wrap midnight) in {@code timeZone} (IANA; null = the user's). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuietHours(String start, String end, String timeZone) {
    }

    /** Per-room overrides; null fields fall back to the global values. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoomSettings(String level, Boolean muted) {
    }

    public RoomSettings room(String roomId) {
        return rooms == null ? null : rooms.get(roomId);
    }

    public NotificationSettings withEmailDigest(boolean enabled) {
        return new NotificationSettings(level, muted, enabled, emailDigestIntervalMinutes, quietHours, dndUntil,
                readReceipts, previews, rooms);
    }
}

package io.chat.notification.service;

import io.chat.notification.mapping.NotificationSettings;
import io.chat.notification.mapping.NotificationSettings.QuietHours;
import io.chat.notification.mapping.NotificationSettings.RoomSettings;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Decides, for one message and one recipient, what the recipient gets: an in-app notification, a push,
 * a place in the email digest — or nothing, with the reason. Pure: everything it needs is passed in.
 */
public final class NotificationPolicy {

    public static final String LEVEL_ALL = "all";
    public static final String LEVEL_MENTIONS = "mentions";
    public static final String LEVEL_NONE = "none";

    /** What is known about the recipient when the message is decided. */
    public record Recipient(String userId, String status, NotificationSettings settings, String userTimeZone,
            long readSeq, Instant lastActiveAt) {
    }

    /** The outcome: {@code outcome} is "notified" or why not (a low-cardinality metric tag). */
    public record Decision(String outcome, String kind, boolean inApp, boolean push, boolean digest) {
        static Decision none(String why) {
            return new Decision(why, null, false, false, false);
        }

        public boolean notifies() {
            return inApp || push || digest;
        }
    }

    private NotificationPolicy() {
    }

    public static String defaultLevel(String roomKind) {
        return "direct".equals(roomKind) || "support".equals(roomKind) ? LEVEL_ALL : LEVEL_MENTIONS;
    }

    public static Decision decide(String roomId, String roomKind, long seq, boolean mentioned, Recipient r,
            Instant now, Duration activeWindow) {
        NotificationSettings s = r.settings() == null ? NotificationSettings.DEFAULTS : r.settings();
        RoomSettings room = s.room(roomId);
        boolean muted = room != null && room.muted() != null ? room.muted() : s.muted();
        if (muted) {
            return Decision.none("muted");
        }
        String level = room != null && room.level() != null ? room.level()
                : s.level() != null ? s.level() : defaultLevel(roomKind);
        if (LEVEL_NONE.equals(level)) {
            return Decision.none("level_none");
        }
        if (LEVEL_MENTIONS.equals(level) && !mentioned) {
            return Decision.none("level_mentions");
        }
        if (r.readSeq() >= seq) {
            return Decision.none("already_read");
        }
        String status = r.status() == null ? "offline" : r.status();
        boolean connected = "online".equals(status) || "dnd".equals(status);
        boolean activeInRoom = r.lastActiveAt() != null && r.lastActiveAt().isAfter(now.minus(activeWindow));
        if (connected && activeInRoom) {
            return Decision.none("active_in_room");
        }
        String kind = mentioned ? "mention" : "support".equals(roomKind) ? "support_reply" : "message";
        boolean inApp;
        boolean push;
        boolean digest;
        if (connected) {
            // the live message already reached their sockets; only a mention earns a feed entry
            inApp = mentioned;
            push = false;
            digest = false;
        } else {
            inApp = true;
            push = true;
            digest = true;
        }
        if ("dnd".equals(status) || (s.dndUntil() != null && s.dndUntil().isAfter(now))) {
            push = false;
            digest = false;
        }
        if (push && inQuietHours(s.quietHours(), r.userTimeZone(), now)) {
            push = false; // the digest is deferred, not dropped: DigestScheduler checks quiet hours again
        }
        if (!s.emailDigest()) {
            digest = false;
        }
        if (!inApp && !push && !digest) {
            return Decision.none(connected ? "online" : "dnd");
        }
        return new Decision("notified", kind, inApp, push, digest);
    }

    /** True when {@code now} falls in the quiet hours (start inclusive, end exclusive; may wrap midnight). */
    public static boolean inQuietHours(QuietHours q, String userTimeZone, Instant now) {
        if (q == null || q.start() == null || q.end() == null) {
            return false;
        }
        LocalTime start = LocalTime.parse(q.start());
        LocalTime end = LocalTime.parse(q.end());
        if (start.equals(end)) {
            return false;
        }
        LocalTime local = now.atZone(zone(q.timeZone() != null ? q.timeZone() : userTimeZone)).toLocalTime();
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    static ZoneId zone(String id) {
        if (id == null || id.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}

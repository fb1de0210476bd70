package io.chat.notification;

import io.chat.notification.mapping.NotificationSettings;
import io.chat.notification.mapping.NotificationSettings.QuietHours;
import io.chat.notification.mapping.NotificationSettings.RoomSettings;
import io.chat.notification.service.NotificationPolicy;
import io.chat.notification.service.NotificationPolicy.Decision;
import io.chat.notification.service.NotificationPolicy.Recipient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision rules alone (no Quarkus): levels, presence, reading, DND and quiet hours in the user's time zone. */
class NotificationPolicyTest {
    static final Instant NOW = Instant.parse("2026-03-10T22:30:00Z"); // 23:30 in Paris, 18:30 in New York
    static final Duration WINDOW = Duration.ofMinutes(2);

    static NotificationSettings settings(String level, QuietHours quiet, Instant dnd, Map<String, RoomSettings> rooms) {
        return new NotificationSettings(level, false, true, null, quiet, dnd, true, true, rooms);
    }

    static Decision decide(String kind, boolean mentioned, String status, NotificationSettings s, String tz, long readSeq,
            Instant active) {
        return NotificationPolicy.decide("r", kind, 5, mentioned, new Recipient("u", status, s, tz, readSeq, active), NOW,
                WINDOW);
    }

    @Test
    void levelsDefaultByRoomKindAndCanBeOverriddenPerRoom() {
        assertTrue(decide("direct", false, null, null, null, 0, null).inApp());
        assertTrue(decide("support", false, null, null, null, 0, null).inApp());
        assertEquals("level_mentions", decide("group", false, null, null, null, 0, null).outcome());
        assertEquals("level_mentions", decide("channel", false, null, null, null, 0, null).outcome());
        assertEquals("mention", decide("channel", true, null, null, null, 0, null).kind());
        assertEquals("support_reply", decide("support", false, null, null, null, 0, null).kind());
        var perRoom = settings("all", null, null, Map.of("r", new RoomSettings("none", null)));
        assertEquals("level_none", decide("direct", true, null, perRoom, null, 0, null).outcome());
        var globalAll = settings("all", null, null, Map.of());
        assertTrue(decide("channel", false, "offline", globalAll, null, 0, null).push());
        var mutedRoom = settings(null, null, null, Map.of("r", new RoomSettings(null, true)));
        assertEquals("muted", decide("direct", true, null, mutedRoom, null, 0, null).outcome());
    }

    @Test
    void presenceAndReadingDecideWhatIsDelivered() {
        Decision offline = decide("direct", false, "offline", null, null, 0, null);
        assertTrue(offline.inApp() && offline.push() && offline.digest());
        Decision online = decide("direct", false, "online", null, null, 0, null);
        assertFalse(online.notifies(), "online: the live message is enough");
        Decision onlineMention = decide("direct", true, "online", null, null, 0, null);
        assertTrue(onlineMention.inApp() && !onlineMention.push() && !onlineMention.digest());
        assertEquals("active_in_room", decide("direct", true, "online", null, null, 0, NOW.minusSeconds(30)).outcome());
        assertTrue(decide("direct", true, "offline", null, null, 0, NOW.minusSeconds(30)).push(),
                "an old socket's activity does not count once offline");
        assertEquals("already_read", decide("direct", false, "offline", null, null, 5, null).outcome());
    }

    @Test
    void doNotDisturbAndQuietHoursFollowTheUsersTimeZone() {
        Decision dnd = decide("direct", false, "offline", settings(null, null, NOW.plusSeconds(60), Map.of()), null, 0, null);
        assertTrue(dnd.inApp() && !dnd.push() && !dnd.digest());
        Decision dndOver = decide("direct", false, "offline", settings(null, null, NOW.minusSeconds(60), Map.of()), null, 0,
                null);
        assertTrue(dndOver.push());

        QuietHours nights = new QuietHours("22:00", "07:00", null); // wraps midnight, zone from the profile
        Decision paris = decide("direct", false, "offline", settings(null, nights, null, Map.of()), "Europe/Paris", 0, null);
        assertTrue(paris.inApp() && !paris.push() && paris.digest(), "23:30 in Paris: quiet, digest deferred not dropped");
        Decision newYork = decide("direct", false, "offline", settings(null, nights, null, Map.of()), "America/New_York", 0,
                null);
        assertTrue(newYork.push(), "18:30 in New York: not quiet");
        assertTrue(NotificationPolicy.inQuietHours(new QuietHours("18:00", "19:00", "America/New_York"), "Europe/Paris", NOW),
                "the quiet hours' own zone wins over the profile's");
    }
}

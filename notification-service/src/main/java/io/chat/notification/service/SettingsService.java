package io.chat.notification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.notification.mapping.NotificationSettings;
import io.chat.notification.mapping.NotificationSettings.QuietHours;
import io.chat.notification.mapping.NotificationSettings.RoomSettings;
import io.chat.notification.repository.SettingsRepository;
import io.chat.notification.rest.NotificationException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads, validates (field by field) and stores users' notification settings. */
@ApplicationScoped
public class SettingsService {
    private static final Logger LOG = Logger.getLogger(SettingsService.class);
    private static final Set<String> LEVELS = Set.of("all", "mentions", "none");
    private static final Set<String> FIELDS = Set.of("level", "muted", "emailDigest", "emailDigestIntervalMinutes",
            "quietHours", "dndUntil", "readReceipts", "previews", "rooms");
    private static final int MAX_ROOMS = 1000;

    @Inject
    SettingsRepository repository;

    @Inject
    ObjectMapper json;

    public Uni<NotificationSettings> get(String userId) {
        return repository.find(userId).map(this::parseStored);
    }

    /** Stored JSON → settings; a document that no longer parses falls back to the defaults (and is logged). */
    public NotificationSettings parseStored(String stored) {
        if (stored == null) {
            return NotificationSettings.DEFAULTS;
        }
        try {
            return validate(json.readTree(stored));
        } catch (Exception e) {
            LOG.warnf("stored notification settings unreadable, using defaults: %s", e.getClass().getSimpleName());
            return NotificationSettings.DEFAULTS;
        }
    }

    public Uni<NotificationSettings> put(String userId, JsonNode body) {
        NotificationSettings s = validate(body);
        return save(userId, s).replaceWith(s);
    }

    public Uni<Void> save(String userId, NotificationSettings s) {
        try {
            return repository.save(userId, json.writeValueAsString(s));
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** Validates a whole settings document; every problem is reported under its field path. */
    public NotificationSettings validate(JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            throw NotificationException.badRequest("settings must be a JSON object", Map.of("body", "must be an object"));
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                errors.put(f, "unknown field");
            }
        }
        String level = level(body.get("level"), "level", errors);
        boolean muted = bool(body, "muted", false, errors);
        boolean emailDigest = bool(body, "emailDigest", true, errors);
        Integer interval = null;
        JsonNode iv = body.get("emailDigestIntervalMinutes");
        if (iv != null && !iv.isNull()) {
            if (!iv.canConvertToInt() || !iv.isIntegralNumber() || iv.asInt() < 1 || iv.asInt() > 1440) {
                errors.put("emailDigestIntervalMinutes", "must be an integer from 1 to 1440");
            } else {
                interval = iv.asInt();
            }
        }
        QuietHours quiet = null;
        JsonNode q = body.get("quietHours");
        if (q != null && !q.isNull()) {
            if (!q.isObject()) {
                errors.put("quietHours", "must be an object {start, end, timeZone}");
            } else {
                String start = time(q.get("start"), "quietHours.start", errors);
                String end = time(q.get("end"), "quietHours.end", errors);
                String tz = null;
                JsonNode z = q.get("timeZone");
                if (z != null && !z.isNull()) {
                    if (!z.isTextual()) {
                        errors.put("quietHours.timeZone", "must be an IANA time zone such as Europe/Paris");
                    } else {
                        try {
                            tz = ZoneId.of(z.asText()).getId();
                        } catch (DateTimeException e) {
                            errors.put("quietHours.timeZone", "unknown time zone");
                        }
                    }
                }
                quiet = new QuietHours(start, end, tz);
            }
        }
        Instant dnd = null;
        JsonNode d = body.get("dndUntil");
        if (d != null && !d.isNull()) {
            try {
                dnd = Instant.parse(d.asText());
            } catch (DateTimeParseException e) {
                errors.put("dndUntil", "must be an ISO-8601 UTC time");
            }
        }
        boolean readReceipts = bool(body, "readReceipts", true, errors);
        boolean previews = bool(body, "previews", true, errors);
        Map<String, RoomSettings> rooms = new LinkedHashMap<>();
        JsonNode r = body.get("rooms");
        if (r != null && !r.isNull()) {
            if (!r.isObject()) {
                errors.put("rooms", "must be an object keyed by room id");
            } else if (r.size() > MAX_ROOMS) {
                errors.put("rooms", "at most " + MAX_ROOMS + " rooms");
            } else {
                r.fields().forEachRemaining(e -> {
                    String path = "rooms." + e.getKey();
                    JsonNode v = e.getValue();
                    if (!v.isObject()) {
                        errors.put(path, "must be an object {level?, muted?}");
                        return;
                    }
                    v.fieldNames().forEachRemaining(f -> {
                        if (!f.equals("level") && !f.equals("muted")) {
                            errors.put(path + "." + f, "unknown field");
                        }
                    });
                    String roomLevel = level(v.get("level"), path + ".level", errors);
                    Boolean roomMuted = null;
                    JsonNode m = v.get("muted");
                    if (m != null && !m.isNull()) {
                        if (!m.isBoolean()) {
                            errors.put(path + ".muted", "must be true or false");
                        } else {
                            roomMuted = m.asBoolean();
                        }
                    }
                    rooms.put(e.getKey(), new RoomSettings(roomLevel, roomMuted));
                });
            }
        }
        if (!errors.isEmpty()) {
            throw NotificationException.badRequest("invalid notification settings", errors);
        }
        return new NotificationSettings(level, muted, emailDigest, interval, quiet, dnd, readReceipts, previews, rooms);
    }

    private static String level(JsonNode n, String path, Map<String, String> errors) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || !LEVELS.contains(n.asText())) {
            errors.put(path, "must be one of all, mentions, none");
            return null;
        }
        return n.asText();
    }

    private static boolean bool(JsonNode body, String field, boolean dflt, Map<String, String> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            errors.put(field, "must be true or false");
            return dflt;
        }
        return n.asBoolean();
    }

    private static String time(JsonNode n, String path, Map<String, String> errors) {
        if (n == null || !n.isTextual()) {
            errors.put(path, "required, HH:mm");
            return null;
        }
        try {
            return LocalTime.parse(n.asText()).toString();
        } catch (DateTimeParseException e) {
            errors.put(path, "must be a time HH:mm");
            return null;
        }
    }
}

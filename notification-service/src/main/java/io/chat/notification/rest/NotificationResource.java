package io.chat.notification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.notification.mapping.NotificationView;
import io.chat.notification.repository.NotificationRepository;
import io.chat.notification.repository.PushSubscriptionRepository;
import io.chat.notification.service.SettingsService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The caller's in-app notification feed, its read state, and the caller's data for the account export. */
@Path("/api/notifications")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_IDS = 500;
    private static final int EXPORT_MAX = 100_000;

    @Inject
    JsonWebToken jwt;
    @Inject
    NotificationRepository notifications;
    @Inject
    PushSubscriptionRepository subscriptions;
    @Inject
    SettingsService settings;

    @GET
    public Uni<Map<String, Object>> feed(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        String user = jwt.getSubject();
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw NotificationException.badRequest("limit must be 1.." + MAX_LIMIT, Map.of("limit", "1.." + MAX_LIMIT));
        }
        Instant beforeAt = null;
        UUID beforeId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                long micros = Long.parseLong(parts[0]);
                beforeAt = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
                beforeId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw NotificationException.badRequest("invalid cursor", Map.of("cursor", "invalid"));
            }
        }
        return notifications.page(user, beforeAt, beforeId, n + 1).chain(rows -> notifications.unread(user).map(unread -> {
            Map<String, Object> body = new LinkedHashMap<>();
            List<NotificationView> items = new ArrayList<>();
            for (int i = 0; i < Math.min(n, rows.size()); i++) {
                items.add(NotificationView.of(rows.get(i)));
            }
            body.put("items", items);
            if (rows.size() > n) {
                var last = rows.get(n - 1);
                long micros = last.createdAt().getEpochSecond() * 1_000_000 + last.createdAt().getNano() / 1000;
                body.put("next", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((micros + "|" + last.id()).getBytes(StandardCharsets.UTF_8)));
            }
            body.put("unread", unread);
            return body;
        }));
    }

    /** {@code {ids: [...]}} marks those; {@code {upTo: id | ISO time}} marks everything up to it. Answers {unread}. */
    @POST
    @Path("/read")
    public Uni<Map<String, Object>> read(JsonNode body) {
        String user = jwt.getSubject();
        if (body == null || !body.isObject()) {
            throw NotificationException.badRequest("body must be {ids: [...]} or {upTo: ...}", Map.of("body", "required"));
        }
        JsonNode ids = body.get("ids");
        JsonNode upTo = body.get("upTo");
        Uni<Integer> marked;
        if (ids != null && !ids.isNull()) {
            if (!ids.isArray() || ids.size() > MAX_IDS) {
                throw NotificationException.badRequest("ids must be an array of at most " + MAX_IDS,
                        Map.of("ids", "array of notification ids"));
            }
            List<UUID> list = new ArrayList<>();
            for (JsonNode id : ids) {
                try {
                    list.add(UUID.fromString(id.asText()));
                } catch (IllegalArgumentException e) {
                    throw NotificationException.badRequest("unknown notification id", Map.of("ids", "invalid id"));
                }
            }
            marked = notifications.markRead(user, list);
        } else if (upTo != null && upTo.isTextual()) {
            String v = upTo.asText();
            try {
                marked = notifications.markReadUpTo(user, UUID.fromString(v));
            } catch (IllegalArgumentException notAnId) {
                try {
                    marked = notifications.markReadUpTo(user, Instant.parse(v));
                } catch (DateTimeParseException e) {
                    throw NotificationException.badRequest("upTo must be a notification id or an ISO time",
                            Map.of("upTo", "notification id or ISO-8601 time"));
                }
            }
        } else {
            throw NotificationException.badRequest("give ids or upTo", Map.of("ids", "ids or upTo required"));
        }
        return marked.chain(count -> notifications.unread(user).map(unread -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("marked", count);
            out.put("unread", unread);
            return out;
        }));
    }

    /** This service's part of GET /api/users/me/export (the gateway merges the parts). */
    @GET
    @Path("/export")
    public Uni<Map<String, Object>> export() {
        String user = jwt.getSubject();
        return notifications.all(user, EXPORT_MAX).chain(items -> settings.get(user)
                .chain(s -> subscriptions.forUser(user).map(subs -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("notifications", items.stream().map(NotificationView::of).toList());
                    out.put("settings", s);
                    out.put("pushSubscriptions", subs.stream().map(p -> Map.of("endpoint", p.endpoint(),
                            "provider", p.provider(), "createdAt", p.createdAt().toString())).toList());
                    return out;
                })));
    }
}

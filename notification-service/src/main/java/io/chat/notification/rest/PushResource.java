package io.chat.notification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.notification.config.NotificationConfig;
import io.chat.notification.push.VapidKeys;
import io.chat.notification.push.WebPushCrypto;
import io.chat.notification.repository.PushSubscriptionRepository;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Web Push subscriptions (the browser's PushSubscription JSON) and the VAPID public key browsers subscribe with. */
@Path("/api/push")
@Produces(MediaType.APPLICATION_JSON)
public class PushResource {
    private static final int MAX_ENDPOINT = 2048;

    @Inject
    JsonWebToken jwt;
    @Inject
    PushSubscriptionRepository subscriptions;
    @Inject
    VapidKeys vapid;
    @Inject
    NotificationConfig config;

    @GET
    @Path("/vapid-public-key")
    @PermitAll
    public Map<String, String> vapidPublicKey() {
        if (!vapid.present()) {
            throw NotificationException.unavailable("Web Push is not configured");
        }
        return Map.of("publicKey", vapid.publicKey());
    }

    @POST
    @Path("/subscriptions")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> subscribe(JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        String endpoint = endpoint(body, errors);
        JsonNode keys = body == null ? null : body.get("keys");
        String p256dh = key(keys, "p256dh", 65, errors);
        String auth = key(keys, "auth", 16, errors);
        if (p256dh != null) {
            try {
                WebPushCrypto.decodePublic(Base64.getUrlDecoder().decode(p256dh));
            } catch (Exception e) {
                errors.put("keys.p256dh", "not a P-256 public key");
            }
        }
        if (!errors.isEmpty()) {
            throw NotificationException.badRequest("invalid push subscription", errors);
        }
        return subscriptions.save(jwt.getSubject(), "webpush", endpoint, p256dh, auth)
                .map(x -> Response.status(201).entity(Map.of("endpoint", endpoint)).build());
    }

    @DELETE
    @Path("/subscriptions")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> unsubscribe(JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        String endpoint = body == null || !body.hasNonNull("endpoint") ? null : body.get("endpoint").asText();
        if (endpoint == null || endpoint.isBlank()) {
            errors.put("endpoint", "required");
            throw NotificationException.badRequest("endpoint required", errors);
        }
        return subscriptions.delete(jwt.getSubject(), endpoint).map(found -> {
            if (!found) {
                throw NotificationException.notFound("no such subscription");
            }
            return Response.noContent().build();
        });
    }

    private String endpoint(JsonNode body, Map<String, String> errors) {
        JsonNode e = body == null ? null : body.get("endpoint");
        if (e == null || !e.isTextual() || e.asText().isBlank()) {
            errors.put("endpoint", "required");
            return null;
        }
        String v = e.asText();
        if (v.length() > MAX_ENDPOINT) {
            errors.put("endpoint", "too long");
            return null;
        }
        try {
            URI uri = new URI(v);
            boolean https = "https".equals(uri.getScheme());
            boolean http = "http".equals(uri.getScheme()) && config.push().allowInsecureEndpoints();
            if ((!https && !http) || uri.getHost() == null) {
                errors.put("endpoint", "must be an https URL");
                return null;
            }
        } catch (Exception ex) {
            errors.put("endpoint", "must be an https URL");
            return null;
        }
        return v;
    }

    private static String key(JsonNode keys, String name, int length, Map<String, String> errors) {
        JsonNode k = keys == null ? null : keys.get(name);
        if (k == null || !k.isTextual()) {
            errors.put("keys." + name, "required");
            return null;
        }
        try {
            byte[] raw = Base64.getUrlDecoder().decode(k.asText().replace('+', '-').replace('/', '_').replace("=", ""));
            if (raw.length != length) {
                errors.put("keys." + name, "must be " + length + " bytes, base64url");
                return null;
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        } catch (IllegalArgumentException ex) {
            errors.put("keys." + name, "must be base64url");
            return null;
        }
    }
}

package io.chat.notification.rest;

import io.chat.notification.service.SettingsService;
import io.chat.notification.service.UnsubscribeTokens;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * Digest unsubscribe without logging in: the link carries a signed token. GET shows a confirmation form (link
 * scanners must not unsubscribe anyone); POST — the form or a mail client's RFC 8058 one-click — turns digests off.
 */
@Path("/api/notifications/unsubscribe")
@PermitAll
public class UnsubscribeResource {

    @Inject
    UnsubscribeTokens tokens;
    @Inject
    SettingsService settings;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String confirm(@QueryParam("token") String token) {
        if (tokens.verify(token) == null) {
            throw NotificationException.badRequest("invalid unsubscribe link", Map.of("token", "invalid"));
        }
        return """
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>
                <form method="post"><p>Stop emails about missed messages?</p>
                <button type="submit">Unsubscribe</button></form></body></html>""";
    }

    @POST
    @Produces(MediaType.TEXT_HTML)
    public Uni<String> unsubscribe(@QueryParam("token") String token) {
        String userId = tokens.verify(token);
        if (userId == null) {
            throw NotificationException.badRequest("invalid unsubscribe link", Map.of("token", "invalid"));
        }
        return settings.get(userId).chain(s -> settings.save(userId, s.withEmailDigest(false)))
                .map(x -> "<!DOCTYPE html><html lang=\"en\"><body><p>You will no longer get missed-message emails. "
                        + "You can turn them back on in your notification settings.</p></body></html>");
    }
}

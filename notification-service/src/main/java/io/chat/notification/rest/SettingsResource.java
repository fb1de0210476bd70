package io.chat.notification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.notification.mapping.NotificationSettings;
import io.chat.notification.service.SettingsService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** GET|PUT /api/notification-settings: the whole document, replaced on PUT, validated field by field. */
@Path("/api/notification-settings")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    @Inject
    JsonWebToken jwt;
    @Inject
    SettingsService settings;

    @GET
    public Uni<NotificationSettings> get() {
        return settings.get(jwt.getSubject());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<NotificationSettings> put(JsonNode body) {
        return settings.put(jwt.getSubject(), body);
    }
}

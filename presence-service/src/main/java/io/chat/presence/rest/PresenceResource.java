package io.chat.presence.rest;

import io.chat.presence.config.PresenceConfig;
import io.chat.presence.repository.PresenceStore;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Presence queries and the caller's privacy setting. A caller learns the presence only of users
 * who share a room with them (or of themselves); other ids are omitted, so an answer never tells
 * whether a user exists.
 */
@Path("/api/presence")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PresenceResource {
    private static final int MAX_ID_LENGTH = 128;

    private final PresenceStore store;
    private final PresenceConfig config;
    private final JsonWebToken jwt;

    public PresenceResource(PresenceStore store, PresenceConfig config, JsonWebToken jwt) {
        this.store = store;
        this.config = config;
        this.jwt = jwt;
    }

    @GET
    public Uni<PresenceList> query(@QueryParam("users") String users) {
        if (users == null || users.isBlank()) {
            throw PresenceException.badRequest("users", "users is required: a comma-separated list of user ids");
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(Arrays.stream(users.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList()));
        if (ids.isEmpty()) {
            throw PresenceException.badRequest("users", "users is required: a comma-separated list of user ids");
        }
        if (ids.size() > config.queryMaxUsers()) {
            throw PresenceException.badRequest("users", "at most " + config.queryMaxUsers() + " users per query");
        }
        if (ids.stream().anyMatch(id -> id.length() > MAX_ID_LENGTH)) {
            throw PresenceException.badRequest("users", "a user id is too long");
        }
        return store.query(jwt.getSubject(), ids).map(found -> new PresenceList(found.stream()
                .map(c -> new PresenceView(c.user(), c.status(), c.text(), c.lastSeen())).toList()));
    }

    @GET
    @Path("/settings")
    public Uni<PresenceSettings> settings() {
        return store.hideLastSeen(jwt.getSubject()).map(PresenceSettings::new);
    }

    @PUT
    @Path("/settings")
    public Uni<PresenceSettings> updateSettings(PresenceSettings body) {
        if (body == null || body.hideLastSeen() == null) {
            throw PresenceException.badRequest("hideLastSeen", "hideLastSeen (boolean) is required");
        }
        String user = jwt.getSubject();
        return store.isDeleted(user).flatMap(deleted -> deleted
                ? Uni.createFrom().item(new PresenceSettings(body.hideLastSeen()))
                : store.setHideLastSeen(user, body.hideLastSeen()).replaceWith(new PresenceSettings(body.hideLastSeen())));
    }
}

package io.chat.message.rest;

import io.chat.message.config.MessageConfig;
import io.chat.message.service.ChatException;
import io.chat.message.service.RoomService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import java.util.Map;

/** Catch-up after a gap or a reconnect: what the gateway's {@code sync} command answers with. */
@Path("/api/sync")
@RolesAllowed({"user", "staff", "admin"})
public class SyncResource {
    static final int MAX_ROOMS = 500;

    @Inject
    RoomService rooms;
    @Inject
    MessageConfig config;
    @Inject
    CurrentCaller caller;

    public record SyncRequest(Map<String, Long> rooms) {
    }

    @POST
    public Uni<Map<String, Object>> sync(SyncRequest body) {
        if (body == null || body.rooms() == null) {
            throw ChatException.badRequest("rooms", "rooms is required");
        }
        if (body.rooms().size() > MAX_ROOMS) {
            throw ChatException.badRequest("rooms", "at most " + MAX_ROOMS + " rooms per sync");
        }
        return rooms.sync(caller.get(), body.rooms(), config.syncLimit()).map(r -> Map.of("rooms", r));
    }
}

package io.chat.message.rest;

import io.chat.message.service.ChatException;
import io.chat.message.service.MessageService;
import io.chat.message.service.RoomService;
import io.chat.message.service.RoomService.RoomView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

@Path("/api/rooms")
@RolesAllowed({"user", "staff", "admin"})
public class RoomResource {
    @Inject
    RoomService rooms;
    @Inject
    MessageService messages;
    @Inject
    CurrentCaller caller;

    public record CreateRoom(String kind, String name, List<String> members) {
    }

    @POST
    public Uni<Response> create(CreateRoom body) {
        if (body == null) {
            throw ChatException.badRequest(null, "a JSON body is required");
        }
        return rooms.create(caller.get(), body.kind(), body.name(), body.members())
                .map(c -> Response.status(c.existed() ? 200 : 201).entity(c.room()).build());
    }

    @GET
    public Uni<RoomService.Page> mine(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return rooms.mine(caller.get(), cursor, Limits.page(limit, 50));
    }

    /** Every room of the caller with its member ids: the index a gateway builds when the user connects. */
    @GET
    @Path("/memberships")
    public Uni<Map<String, List<String>>> memberships() {
        return rooms.memberships(caller.get());
    }

    @GET
    @Path("/{id}")
    public Uni<RoomView> get(@PathParam("id") String id) {
        return rooms.get(caller.get(), id);
    }
}

package io.chat.message.rest;

import io.chat.message.service.MembershipService;
import io.chat.message.service.RoomService.RoomView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/** The support queue: staff only (others get 403), oldest first. */
@Path("/api/support/rooms")
@RolesAllowed({"user", "staff", "admin"})
public class SupportResource {
    @Inject
    MembershipService membership;
    @Inject
    CurrentCaller caller;

    @GET
    public Uni<MembershipService.Page<RoomView>> queue(@QueryParam("status") String status, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return membership.supportQueue(caller.get(), status, cursor, Limits.page(limit, 50));
    }
}

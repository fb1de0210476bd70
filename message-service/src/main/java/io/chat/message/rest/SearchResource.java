package io.chat.message.rest;

import io.chat.message.service.MembershipService.Page;
import io.chat.message.service.MessageViews;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/** Full-text search over the rooms the caller belongs to. */
@Path("/api/search")
@RolesAllowed({"user", "staff", "admin"})
public class SearchResource {
    static final int MAX_LIMIT = 50;

    @Inject
    MessageViews views;
    @Inject
    CurrentCaller caller;

    @GET
    public Uni<Page<MessageViews.Hit>> search(@QueryParam("q") String q, @QueryParam("room") String room,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        if (limit != null && limit > MAX_LIMIT) {
            limit = MAX_LIMIT;
        }
        return views.search(caller.get(), q, room, cursor, Limits.page(limit, 20));
    }
}

package io.chat.message.rest;

import io.chat.contracts.MessageEvent;
import io.chat.message.service.MembershipService.Page;
import io.chat.message.service.MessageViews;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/**
 * The caller's messages for the account export (GET /api/users/me/export is auth-service's; the
 * gateway or client merges this in). Needs a gateway proxy route for /api/messages.
 */
@Path("/api/messages/export")
@RolesAllowed({"user", "staff", "admin"})
public class ExportResource {
    @Inject
    MessageViews views;
    @Inject
    CurrentCaller caller;

    @GET
    public Uni<Page<MessageEvent>> export(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return views.export(caller.get(), cursor, Limits.page(limit, 100));
    }
}

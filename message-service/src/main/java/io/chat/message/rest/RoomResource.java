package io.chat.message.rest;

import io.chat.message.service.ChatException;
import io.chat.message.service.DraftService;
import io.chat.message.service.MembershipService;
import io.chat.message.service.MessageChanges;
import io.chat.message.service.PinService;
import io.chat.message.service.RoomService;
import io.chat.message.service.RoomService.RoomView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
    MembershipService membership;
    @Inject
    PinService pins;
    @Inject
    DraftService drafts;
    @Inject
    MessageChanges changes;
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

    /** The caller's rooms; with {@code discover=channels}, the open channels anyone may join instead. */
    @GET
    public Uni<?> mine(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit,
            @QueryParam("discover") String discover) {
        if (discover != null) {
            if (!"channels".equals(discover)) {
                throw ChatException.badRequest("discover", "discover must be channels");
            }
            return membership.channels(caller.get(), cursor, Limits.page(limit, 50));
        }
        return rooms.mine(caller.get(), cursor, Limits.page(limit, 50));
    }

    /** Every room of the caller with its member ids: the index a gateway builds when the user connects. */
    @GET
    @Path("/memberships")
    public Uni<Map<String, List<String>>> memberships() {
        return rooms.memberships(caller.get());
    }

    public record ReceiptPrivacy(Boolean readReceiptsPrivate) {
    }

    @GET
    @Path("/receipt-privacy")
    public Uni<ReceiptPrivacy> receiptPrivacy() {
        return changes.readReceiptsPrivate(caller.get()).map(ReceiptPrivacy::new);
    }

    @PUT
    @Path("/receipt-privacy")
    public Uni<ReceiptPrivacy> setReceiptPrivacy(ReceiptPrivacy body) {
        if (body == null || body.readReceiptsPrivate() == null) {
            throw ChatException.badRequest("readReceiptsPrivate", "readReceiptsPrivate (true or false) is required");
        }
        return changes.setReadReceiptsPrivate(caller.get(), body.readReceiptsPrivate()).map(ReceiptPrivacy::new);
    }

    @GET
    @Path("/{id}")
    public Uni<RoomView> get(@PathParam("id") String id) {
        return rooms.get(caller.get(), id);
    }

    /** {@code retention}: "permanent" or a number of seconds. */
    public record PatchRoom(String name, Object retention, String status) {
    }

    @PATCH
    @Path("/{id}")
    public Uni<RoomView> patch(@PathParam("id") String id, PatchRoom body) {
        if (body == null) {
            throw ChatException.badRequest(null, "a JSON body is required");
        }
        return membership.patch(caller.get(), id, body.name(), body.retention(), body.status());
    }

    public record AddMembers(String userId, List<String> members) {
    }

    @POST
    @Path("/{id}/members")
    public Uni<RoomView> addMembers(@PathParam("id") String id, AddMembers body) {
        if (body == null || (body.userId() == null) == (body.members() == null)) {
            throw ChatException.badRequest("userId", "give userId or members");
        }
        return membership.add(caller.get(), id, body.userId() != null ? List.of(body.userId()) : body.members());
    }

    @DELETE
    @Path("/{id}/members/{userId}")
    public Uni<Response> removeMember(@PathParam("id") String id, @PathParam("userId") String userId) {
        return membership.remove(caller.get(), id, userId).map(x -> Response.noContent().build());
    }

    public record SetRole(String role) {
    }

    @PATCH
    @Path("/{id}/members/{userId}")
    public Uni<RoomView> setRole(@PathParam("id") String id, @PathParam("userId") String userId, SetRole body) {
        return membership.setRole(caller.get(), id, userId, body == null ? null : body.role());
    }

    @POST
    @Path("/{id}/close")
    public Uni<RoomView> close(@PathParam("id") String id) {
        return membership.close(caller.get(), id);
    }

    @GET
    @Path("/{id}/audit")
    public Uni<MembershipService.Page<MembershipService.AuditEntry>> audit(@PathParam("id") String id,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return membership.audit(caller.get(), id, cursor, Limits.page(limit, 50));
    }

    public record Receipt(Long delivered, Long read) {
    }

    /** REST form of receipt.delivered / receipt.read (the WebSocket commands are the usual way). */
    @POST
    @Path("/{id}/receipts")
    public Uni<Map<String, Object>> receipt(@PathParam("id") String id, Receipt body) {
        if (body == null || (body.delivered() == null && body.read() == null)) {
            throw ChatException.badRequest("read", "give delivered or read");
        }
        Uni<Map<String, Object>> delivered = body.delivered() == null ? Uni.createFrom().item(Map.of())
                : changes.receipt(caller.get(), id, body.delivered(), false, null);
        return delivered.flatMap(d -> body.read() == null ? Uni.createFrom().item(d)
                : changes.receipt(caller.get(), id, body.read(), true, null));
    }

    @GET
    @Path("/{id}/pins")
    public Uni<Map<String, Object>> pins(@PathParam("id") String id) {
        return pins.list(caller.get(), id).map(items -> Map.of("items", items));
    }

    @POST
    @Path("/{id}/pins/{msgId}")
    public Uni<Response> pin(@PathParam("id") String id, @PathParam("msgId") String msgId) {
        return pins.pin(caller.get(), id, msgId, true).map(x -> Response.noContent().build());
    }

    @DELETE
    @Path("/{id}/pins/{msgId}")
    public Uni<Response> unpin(@PathParam("id") String id, @PathParam("msgId") String msgId) {
        return pins.pin(caller.get(), id, msgId, false).map(x -> Response.noContent().build());
    }

    public record DraftBody(String text) {
    }

    @PUT
    @Path("/{id}/draft")
    public Uni<DraftService.Draft> putDraft(@PathParam("id") String id, DraftBody body) {
        return drafts.put(caller.get(), id, body == null ? null : body.text());
    }

    @GET
    @Path("/{id}/draft")
    public Uni<Response> getDraft(@PathParam("id") String id) {
        return drafts.get(caller.get(), id).map(d -> d == null
                ? Response.status(404).entity(io.chat.contracts.ErrorBody.of("not_found", "no draft", false, null, null)).build()
                : Response.ok(d).build());
    }

    @DELETE
    @Path("/{id}/draft")
    public Uni<Response> deleteDraft(@PathParam("id") String id) {
        return drafts.delete(caller.get(), id).map(x -> Response.noContent().build());
    }
}

package io.chat.message.rest;

import io.chat.message.service.ChatException;
import io.chat.message.service.MessageChanges;
import io.chat.message.service.MessageService;
import io.chat.message.service.MessageViews;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

@Path("/api/rooms/{room}/messages")
@RolesAllowed({"user", "staff", "admin"})
public class MessageResource {
    @Inject
    MessageService messages;
    @Inject
    MessageChanges changes;
    @Inject
    MessageViews views;
    @Inject
    CurrentCaller caller;

    public record SendMessage(String clientMsgId, String text, String replyTo, String threadRoot) {
    }

    /** The REST send fallback: same idempotency and answer as the message.send ack (201, or 200 for a repeat). */
    @POST
    public Uni<Response> send(@PathParam("room") String room, SendMessage body) {
        if (body == null) {
            throw ChatException.badRequest(null, "a JSON body is required");
        }
        return messages.send(caller.get(), room, body.clientMsgId(), body.text(), body.replyTo(), body.threadRoot(), null)
                .map(sent -> Response.status(sent.repeated() ? 200 : 201).entity(sent.ack()).build());
    }

    /**
     * History by seq: {@code before} pages backwards, {@code after} forwards; items are ascending
     * either way and {@code next} continues in the same direction.
     */
    @GET
    public Uni<Map<String, Object>> page(@PathParam("room") String room, @QueryParam("before") Long before,
            @QueryParam("after") Long after, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        if (cursor != null) {
            String decoded;
            try {
                decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                long seq = Long.parseLong(decoded.substring(2));
                if (decoded.startsWith("b:")) {
                    before = seq;
                    after = null;
                } else if (decoded.startsWith("a:")) {
                    after = seq;
                    before = null;
                } else {
                    throw new IllegalArgumentException();
                }
            } catch (RuntimeException e) {
                throw ChatException.badRequest("cursor", "invalid cursor");
            }
        }
        if (before != null && after != null) {
            throw ChatException.badRequest("before", "use before or after, not both");
        }
        if ((before != null && before < 1) || (after != null && after < 0)) {
            throw ChatException.badRequest(before != null ? "before" : "after", "seq out of range");
        }
        int size = Limits.page(limit, 50);
        boolean backwards = before != null || after == null;
        Long from = !backwards ? null : before != null ? before : Long.valueOf(Long.MAX_VALUE);
        return messages.page(caller.get(), room, backwards ? null : after, from, size).flatMap(items -> views.withReactions(items).map(withReactions -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("items", withReactions);
            if (items.size() == size) {
                String next = backwards ? "b:" + items.get(0).seq() : "a:" + items.get(items.size() - 1).seq();
                out.put("next", Base64.getUrlEncoder().withoutPadding().encodeToString(next.getBytes(StandardCharsets.UTF_8)));
            }
            return out;
        }));
    }

    public record EditMessage(String text) {
    }

    /** REST form of message.edit: author only; answers what the command's ack carries. */
    @PATCH
    @Path("/{msgId}")
    public Uni<Map<String, Object>> edit(@PathParam("room") String room, @PathParam("msgId") String msgId, EditMessage body) {
        return changes.edit(caller.get(), room, msgId, body == null ? null : body.text(), null);
    }

    /** REST form of message.delete: the author or a moderator; the message becomes a tombstone. */
    @DELETE
    @Path("/{msgId}")
    public Uni<Map<String, Object>> delete(@PathParam("room") String room, @PathParam("msgId") String msgId) {
        return changes.delete(caller.get(), room, msgId, null);
    }

    /** REST form of reaction.add ({@code emoji} URL-encoded in the path). */
    @PUT
    @Path("/{msgId}/reactions/{emoji}")
    public Uni<Map<String, Object>> react(@PathParam("room") String room, @PathParam("msgId") String msgId,
            @PathParam("emoji") String emoji) {
        return changes.react(caller.get(), room, msgId, emoji, true, null);
    }

    @DELETE
    @Path("/{msgId}/reactions/{emoji}")
    public Uni<Map<String, Object>> unreact(@PathParam("room") String room, @PathParam("msgId") String msgId,
            @PathParam("emoji") String emoji) {
        return changes.react(caller.get(), room, msgId, emoji, false, null);
    }

    @GET
    @Path("/{msgId}/thread")
    public Uni<MessageViews.Thread> thread(@PathParam("room") String room, @PathParam("msgId") String msgId,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return views.thread(caller.get(), room, msgId, cursor, Limits.page(limit, 50));
    }

    @GET
    @Path("/{msgId}/history")
    public Uni<Map<String, Object>> history(@PathParam("room") String room, @PathParam("msgId") String msgId) {
        return views.history(caller.get(), room, msgId);
    }

}

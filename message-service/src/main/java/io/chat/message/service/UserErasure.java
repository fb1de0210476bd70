package io.chat.message.service;

import io.chat.contracts.EventTypes;
import io.chat.contracts.ReactionUpdated;
import io.chat.message.repository.MessageRepository;
import io.chat.message.repository.RoomRepository;
import io.chat.message.repository.RoomRepository.Access;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Erasure on user.deleted, in one transaction: the user's messages become tombstones authored by
 * {@value #DELETED_USER}; their reactions, drafts and memberships go (member.left per room, with
 * ownership handed on); the audit log keeps the actions but not the id. Running it again finds
 * nothing left to change, so a redelivered event is harmless.
 */
@ApplicationScoped
public class UserErasure {
    public static final String DELETED_USER = "deleted";

    @Inject
    Changes changes;
    @Inject
    RoomRepository rooms;
    @Inject
    MessageRepository messages;

    public Uni<Void> erase(String userId) {
        if (userId == null || userId.isBlank() || DELETED_USER.equals(userId)) {
            return Uni.createFrom().voidItem();
        }
        return changes.run(conn -> conn.preparedQuery("insert into users (id, username, deleted) values ($1, $1, true) "
                        // a tombstone even when user.registered never arrived: tokens of this user are refused from now on
                        + "on conflict (id) do update set deleted = true").execute(Tuple.of(userId))
                .flatMap(x -> tombstones(conn, userId))
                .flatMap(x -> reactions(conn, userId))
                .flatMap(x -> conn.preparedQuery("delete from drafts where user_id = $1").execute(Tuple.of(userId)))
                .flatMap(x -> conn.preparedQuery("update pins set pinned_by = $2 where pinned_by = $1").execute(Tuple.of(userId, DELETED_USER)))
                .flatMap(x -> conn.preparedQuery("update audit_log set actor = $2 where actor = $1").execute(Tuple.of(userId, DELETED_USER)))
                .flatMap(x -> conn.preparedQuery("update audit_log set target = $2 where target = $1").execute(Tuple.of(userId, DELETED_USER)))
                .flatMap(x -> memberships(conn, userId)));
    }

    private Uni<Void> tombstones(SqlConnection conn, String userId) {
        return conn.preparedQuery("select id, deleted from messages where sender = $1").execute(Tuple.of(userId)).flatMap(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(r -> ids.add(r.getUUID(0)));
            if (ids.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return messages.tombstone(conn, ids.toArray(UUID[]::new), DELETED_USER).flatMap(gone -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (var m : gone) {
                    chain = chain.flatMap(x -> changes.event(conn, UUID.fromString(m.room()), EventTypes.MESSAGE_DELETED, m));
                }
                return chain;
            });
        });
    }

    private Uni<Void> reactions(SqlConnection conn, String userId) {
        return conn.preparedQuery("delete from reactions x using messages m where m.id = x.msg_id and x.user_id = $1 "
                + "returning m.room_id, x.msg_id, x.emoji").execute(Tuple.of(userId)).flatMap(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row r : rows) {
                        UUID room = r.getUUID(0);
                        UUID msg = r.getUUID(1);
                        String emoji = r.getString(2);
                        chain = chain.flatMap(x -> messages.reactionUsers(conn, msg, emoji)).flatMap(users -> changes.event(conn, room,
                                EventTypes.REACTION_UPDATED, new ReactionUpdated(room.toString(), msg.toString(), emoji, users)));
                    }
                    return chain;
                });
    }

    private Uni<Void> memberships(SqlConnection conn, String userId) {
        return conn.preparedQuery("select room_id from members where user_id = $1 order by room_id").execute(Tuple.of(userId))
                .flatMap(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row r : rows) {
                        UUID room = r.getUUID(0);
                        // lock the room as every membership change does, then leave it
                        chain = chain.flatMap(x -> rooms.access(conn, room, userId, true)).flatMap((Access access) ->
                                rooms.removeMember(conn, room, userId)
                                        .flatMap(y -> rooms.ensureOwner(conn, room, access.kind()))
                                        .flatMap(y -> changes.roomChanged(conn, access, EventTypes.MEMBER_LEFT, access.name(), userId)));
                    }
                    return chain;
                });
    }
}

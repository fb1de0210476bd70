package io.chat.message.service;

import io.chat.contracts.ErrorCodes;
import io.chat.contracts.EventTypes;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.Origin;
import io.chat.contracts.ReactionUpdated;
import io.chat.contracts.ReceiptUpdated;
import io.chat.message.config.MessageConfig;
import io.chat.message.repository.MessageRepository;
import io.chat.message.repository.RoomRepository;
import io.chat.message.repository.RoomRepository.Access;
import io.chat.message.service.RoomPolicy.Op;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Edits, deletes, reactions and receipts. Each is idempotent by its natural key, so a redelivered
 * command changes nothing and publishes nothing new (it is answered again, with the same result).
 */
@ApplicationScoped
public class MessageChanges {
    @Inject
    Changes changes;
    @Inject
    RoomRepository rooms;
    @Inject
    MessageRepository messages;
    @Inject
    MessageConfig config;

    /** Author only; the previous text goes to the edit history. Same text again: nothing changes. */
    public Uni<Map<String, Object>> edit(Caller caller, String roomId, String msgId, String rawText, Origin origin) {
        UUID room = RoomIds.parse(roomId);
        UUID id = RoomIds.message(msgId);
        String text = MessageText.normalize(rawText, config.maxTextLength());
        return changes.command(room, origin, conn -> rooms.access(conn, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.WRITE, access, caller);
            return live(conn, room, id).flatMap(m -> {
                if (!m.sender().equals(caller.userId())) {
                    throw ChatException.forbidden("only the author may edit a message");
                }
                if (text.equals(m.text())) {
                    return Uni.createFrom().item(editAck(m));
                }
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
                return messages.edit(conn, id, m.text(), text, now)
                        .flatMap(edited -> changes.event(conn, room, EventTypes.MESSAGE_EDITED, edited).replaceWith(editAck(edited)));
            });
        }));
    }

    private static Map<String, Object> editAck(MessageEvent m) {
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("msgId", m.msgId());
        ack.put("room", m.room());
        ack.put("seq", m.seq());
        if (m.editedAt() != null) {
            ack.put("editedAt", m.editedAt().toString());
        }
        return ack;
    }

    /** The author, or a moderator (room owner/admin; staff in support rooms). The message becomes a tombstone. */
    public Uni<Map<String, Object>> delete(Caller caller, String roomId, String msgId, Origin origin) {
        UUID room = RoomIds.parse(roomId);
        UUID id = RoomIds.message(msgId);
        return changes.command(room, origin, conn -> rooms.access(conn, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.WRITE, access, caller);
            return messages.lockById(conn, room, id).flatMap(m -> {
                if (m == null) {
                    throw new ChatException(ErrorCodes.NOT_FOUND, "message not found");
                }
                Map<String, Object> ack = new LinkedHashMap<>(Map.of("msgId", m.msgId(), "room", m.room(), "seq", m.seq()));
                boolean own = m.sender().equals(caller.userId());
                if (!own) {
                    RoomPolicy.require(Op.DELETE_ANY, access, caller);
                }
                if (Boolean.TRUE.equals(m.deleted())) {
                    return Uni.createFrom().item(ack); // already a tombstone: a repeat changes nothing
                }
                return messages.tombstone(conn, new UUID[] {id}, null)
                        .flatMap(gone -> changes.event(conn, room, EventTypes.MESSAGE_DELETED, gone.get(0)))
                        .flatMap(x -> own ? Uni.createFrom().voidItem()
                                : rooms.audit(conn, room, caller.userId(), "message.delete", m.sender(), m.msgId()))
                        .replaceWith(ack);
            });
        }));
    }

    /** One reaction per user per emoji; reaction.updated carries every user now holding that emoji. */
    public Uni<Map<String, Object>> react(Caller caller, String roomId, String msgId, String rawEmoji, boolean add, Origin origin) {
        UUID room = RoomIds.parse(roomId);
        UUID id = RoomIds.message(msgId);
        String emoji = Emoji.validate(rawEmoji);
        return changes.command(room, origin, conn -> rooms.access(conn, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.WRITE, access, caller);
            if (access.role() == null) {
                throw ChatException.forbidden("join the room before reacting");
            }
            return live(conn, room, id).flatMap(m -> conn.preparedQuery(add
                    ? "insert into reactions (msg_id, emoji, user_id) values ($1, $2, $3) on conflict do nothing"
                    : "delete from reactions where msg_id = $1 and emoji = $2 and user_id = $3")
                    .execute(Tuple.of(id, emoji, caller.userId())).flatMap(done -> {
                        Map<String, Object> ack = new LinkedHashMap<>(Map.of("msgId", m.msgId(), "room", m.room(), "emoji", emoji));
                        if (done.rowCount() == 0) {
                            return Uni.createFrom().item(ack); // already so: nothing to tell anyone
                        }
                        return messages.reactionUsers(conn, id, emoji).flatMap(users -> changes.event(conn, room,
                                EventTypes.REACTION_UPDATED, new ReactionUpdated(m.room(), m.msgId(), emoji, users))).replaceWith(ack);
                    }));
        }));
    }

    /**
     * Moves the caller's delivered (and, for read, read) pointer forward to {@code seq}. Pointers never
     * move back; a seq beyond the room's last seq is clamped to it (the client cannot hold more than
     * exists). read implies delivered. receipt.updated is published only when a pointer moved.
     */
    public Uni<Map<String, Object>> receipt(Caller caller, String roomId, Long seq, boolean read, Origin origin) {
        UUID room = RoomIds.parse(roomId);
        if (seq == null || seq < 0) {
            throw ChatException.badRequest("seq", "seq must be a number >= 0");
        }
        return changes.command(room, origin, conn -> rooms.access(conn, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.READ, access, caller);
            Map<String, Object> ack = new LinkedHashMap<>();
            if (access.role() == null) {
                return Uni.createFrom().item(ack); // staff reading a support room they have not joined: no pointer to move
            }
            return conn.preparedQuery("update members m set delivered_seq = greatest(m.delivered_seq, least($3, r.last_seq)), "
                    + "read_seq = case when $4 then greatest(m.read_seq, least($3, r.last_seq)) else m.read_seq end "
                    + "from rooms r where r.id = m.room_id and m.room_id = $1 and m.user_id = $2 "
                    + "and (m.delivered_seq < least($3, r.last_seq) or ($4 and m.read_seq < least($3, r.last_seq))) "
                    + "returning m.delivered_seq, m.read_seq, "
                    + "(select u.read_receipts_private from users u where u.id = m.user_id) as private")
                    .execute(Tuple.of(room, caller.userId(), seq, read)).flatMap(rows -> {
                        if (rows.size() == 0) {
                            return Uni.createFrom().item(ack);
                        }
                        var r = rows.iterator().next();
                        ack.put("delivered", r.getLong(0));
                        ack.put("read", r.getLong(1));
                        boolean hidden = Boolean.TRUE.equals(r.getBoolean(2));
                        return changes.event(conn, room, EventTypes.RECEIPT_UPDATED,
                                new ReceiptUpdated(room.toString(), caller.userId(), r.getLong(0), r.getLong(1), hidden))
                                .replaceWith(ack);
                    });
        }));
    }

    /**
     * Whether the caller hides their read pointer from other members (receipt.updated then carries
     * readPrivate=true and gateways show read only to the caller's own devices).
     */
    public Uni<Boolean> setReadReceiptsPrivate(Caller caller, boolean hidden) {
        return changes.run(conn -> conn.preparedQuery("insert into users (id, read_receipts_private) values ($1, $2) "
                + "on conflict (id) do update set read_receipts_private = excluded.read_receipts_private")
                .execute(Tuple.of(caller.userId(), hidden)).replaceWith(hidden));
    }

    public Uni<Boolean> readReceiptsPrivate(Caller caller) {
        return changes.pool.preparedQuery("select read_receipts_private from users where id = $1").execute(Tuple.of(caller.userId()))
                .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean(0));
    }

    /** The message, locked, and not a tombstone. */
    private Uni<MessageEvent> live(SqlConnection conn, UUID room, UUID id) {
        return messages.lockById(conn, room, id).map(m -> {
            if (m == null) {
                throw new ChatException(ErrorCodes.NOT_FOUND, "message not found");
            }
            if (Boolean.TRUE.equals(m.deleted())) {
                throw new ChatException(ErrorCodes.CONFLICT, "the message was deleted");
            }
            return m;
        });
    }
}

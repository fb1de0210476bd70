package io.chat.message.service;

import io.chat.contracts.ErrorCodes;
import io.chat.contracts.EventTypes;
import io.chat.contracts.MessageEvent;
import io.chat.message.mapping.Rows;
import io.chat.message.repository.MessageRepository;
import io.chat.message.repository.RoomRepository;
import io.chat.message.service.RoomPolicy.Op;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Pinned messages of a room. Pinning is a room change: it is audited and announced with room.updated. */
@ApplicationScoped
public class PinService {
    /** A room keeps at most this many pins, so the list needs no paging. */
    static final int MAX_PINS = 100;

    @Inject
    Pool pool;
    @Inject
    Changes changes;
    @Inject
    RoomRepository rooms;
    @Inject
    MessageRepository messages;

    public record Pin(MessageEvent message, String pinnedBy, Instant pinnedAt) {
    }

    public Uni<Void> pin(Caller caller, String roomId, String msgId, boolean pin) {
        UUID room = RoomIds.parse(roomId);
        UUID id = RoomIds.message(msgId);
        return changes.run(conn -> rooms.access(conn, room, caller.userId(), true).flatMap(access -> {
            RoomPolicy.require(Op.PIN, access, caller);
            return messages.byId(conn, room, id).flatMap(m -> {
                if (m == null) {
                    throw new ChatException(ErrorCodes.NOT_FOUND, "message not found");
                }
                if (pin && Boolean.TRUE.equals(m.deleted())) {
                    throw new ChatException(ErrorCodes.CONFLICT, "the message was deleted");
                }
                Uni<Integer> change = pin
                        ? conn.preparedQuery("insert into pins (room_id, msg_id, pinned_by) select $1, $2, $3 "
                                + "where (select count(*) from pins where room_id = $1) < " + MAX_PINS + " on conflict do nothing")
                                .execute(Tuple.of(room, id, caller.userId())).map(r -> r.rowCount())
                        : conn.preparedQuery("delete from pins where room_id = $1 and msg_id = $2").execute(Tuple.of(room, id))
                                .map(r -> r.rowCount());
                return change.flatMap(n -> {
                    if (n == 0) {
                        return pin ? conn.preparedQuery("select 1 from pins where room_id = $1 and msg_id = $2").execute(Tuple.of(room, id))
                                .map(r -> {
                                    if (r.size() == 0) {
                                        throw new ChatException(ErrorCodes.CONFLICT, "a room has at most " + MAX_PINS + " pins");
                                    }
                                    return null;
                                }).replaceWithVoid() : Uni.createFrom().voidItem(); // already so: nothing changes
                    }
                    return rooms.audit(conn, room, caller.userId(), pin ? "message.pin" : "message.unpin", m.sender(), m.msgId())
                            .flatMap(x -> changes.roomChanged(conn, access, EventTypes.ROOM_UPDATED, access.name(), null));
                });
            });
        }));
    }

    public Uni<List<Pin>> list(Caller caller, String roomId) {
        UUID room = RoomIds.parse(roomId);
        return rooms.access(pool, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.READ, access, caller);
            return pool.preparedQuery("select " + Rows.MESSAGE_COLUMNS.replaceAll("(\\w+)", "m.$1") + ", p.pinned_by, p.pinned_at "
                    + "from pins p join messages m on m.id = p.msg_id where p.room_id = $1 order by p.pinned_at desc, m.seq desc")
                    .execute(Tuple.of(room)).map(rows -> {
                        List<Pin> out = new ArrayList<>();
                        rows.forEach(r -> out.add(new Pin(Rows.message(r), r.getString("pinned_by"),
                                Rows.instant(r.getOffsetDateTime("pinned_at")))));
                        return out;
                    });
        });
    }
}

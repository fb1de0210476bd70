package io.chat.message.service;

import io.chat.message.config.MessageConfig;
import io.chat.message.mapping.Rows;
import io.chat.message.repository.RoomRepository;
import io.chat.message.service.RoomPolicy.Op;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.UUID;

/** One unsent draft per user per room, private to that user. */
@ApplicationScoped
public class DraftService {
    @Inject
    Pool pool;
    @Inject
    RoomRepository rooms;
    @Inject
    MessageConfig config;

    public record Draft(String room, String text, Instant updatedAt) {
    }

    public Uni<Draft> put(Caller caller, String roomId, String rawText) {
        UUID room = RoomIds.parse(roomId);
        String text = MessageText.normalize(rawText, config.maxTextLength());
        return member(caller, room).flatMap(x -> pool.preparedQuery("insert into drafts (user_id, room_id, text) values ($1, $2, $3) "
                + "on conflict (user_id, room_id) do update set text = excluded.text, updated_at = now() returning updated_at")
                .execute(Tuple.of(caller.userId(), room, text))
                .map(rows -> new Draft(room.toString(), text, Rows.instant(rows.iterator().next().getOffsetDateTime(0)))));
    }

    /** @return null when there is no draft */
    public Uni<Draft> get(Caller caller, String roomId) {
        UUID room = RoomIds.parse(roomId);
        return member(caller, room).flatMap(x -> pool.preparedQuery("select text, updated_at from drafts where user_id = $1 and room_id = $2")
                .execute(Tuple.of(caller.userId(), room)).map(rows -> rows.size() == 0 ? null
                        : new Draft(room.toString(), rows.iterator().next().getString(0),
                                Rows.instant(rows.iterator().next().getOffsetDateTime(1)))));
    }

    public Uni<Void> delete(Caller caller, String roomId) {
        UUID room = RoomIds.parse(roomId);
        return member(caller, room).flatMap(x -> pool.preparedQuery("delete from drafts where user_id = $1 and room_id = $2")
                .execute(Tuple.of(caller.userId(), room)).replaceWithVoid());
    }

    private Uni<Void> member(Caller caller, UUID room) {
        return rooms.access(pool, room, caller.userId(), false).map(access -> {
            RoomPolicy.require(Op.READ, access, caller);
            if (access.role() == null) {
                throw ChatException.forbidden("drafts are kept for members");
            }
            return null;
        });
    }
}

package io.chat.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** The local copy of room kinds and membership, kept from chat.events (RoomChanged carries the full member list). */
@ApplicationScoped
public class RoomRepository {

    public record RoomRow(String id, String kind, String name) {
    }

    @Inject
    Pool pool;

    public Uni<Void> replace(String roomId, String kind, String name, List<String> members) {
        String[] ids = members.toArray(String[]::new);
        return pool.withTransaction(c -> c.preparedQuery("""
                        insert into rooms (room_id, kind, name, updated_at) values ($1, coalesce($2, 'group'), $3, now())
                        on conflict (room_id) do update set kind = coalesce($2, rooms.kind),
                            name = coalesce($3, rooms.name), updated_at = now()""")
                .execute(Tuple.of(roomId, kind, name))
                .chain(() -> c.preparedQuery("delete from room_members where room_id = $1 and not (user_id = any($2))")
                        .execute(Tuple.of(roomId, ids)))
                .chain(() -> c.preparedQuery("""
                                insert into room_members (room_id, user_id) select $1, unnest($2::text[])
                                on conflict do nothing""")
                        .execute(Tuple.of(roomId, ids)))
                .replaceWithVoid());
    }

    /** A room change without a member list: kind and name only. */
    public Uni<Void> updateRoom(String roomId, String kind, String name) {
        return pool.preparedQuery("""
                        insert into rooms (room_id, kind, name, updated_at) values ($1, coalesce($2, 'group'), $3, now())
                        on conflict (room_id) do update set kind = coalesce($2, rooms.kind),
                            name = coalesce($3, rooms.name), updated_at = now()""")
                .execute(Tuple.of(roomId, kind, name)).replaceWithVoid();
    }

    public Uni<RoomRow> find(String roomId) {
        return pool.preparedQuery("select room_id, kind, name from rooms where room_id = $1").execute(Tuple.of(roomId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    return new RoomRow(r.getString("room_id"), r.getString("kind"), r.getString("name"));
                });
    }
}

package io.chat.message.repository;

import io.chat.contracts.Member;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for rooms and membership. Methods take the client so callers choose the transaction. */
@ApplicationScoped
public class RoomRepository {

    /** The room and the caller's role in it (null role: not a member); null when the room does not exist. */
    public record Access(UUID room, String kind, String name, String status, String createdBy, long lastSeq, String role,
            long readSeq) {
    }

    public Uni<Access> access(SqlClient db, UUID room, String userId, boolean forUpdate) {
        String sql = "select r.id, r.kind, r.name, r.status, r.created_by, r.last_seq, m.role, m.read_seq from rooms r "
                + "left join members m on m.room_id = r.id and m.user_id = $2 where r.id = $1"
                + (forUpdate ? " for update of r" : "");
        return db.preparedQuery(sql).execute(Tuple.of(room, userId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row r = rows.iterator().next();
            Long read = r.getLong("read_seq");
            return new Access(room, r.getString("kind"), r.getString("name"), r.getString("status"),
                    r.getString("created_by"), r.getLong("last_seq"), r.getString("role"), read == null ? 0 : read);
        });
    }

    public Uni<List<Member>> members(SqlClient db, UUID room) {
        return db.preparedQuery("select user_id, role from members where room_id = $1 order by joined_at, user_id")
                .execute(Tuple.of(room)).map(rows -> {
                    List<Member> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(new Member(r.getString("user_id"), r.getString("role"))));
                    return out;
                });
    }

    public Uni<Void> addMember(SqlClient db, UUID room, String userId, String role) {
        return db.preparedQuery("insert into members (room_id, user_id, role) values ($1, $2, $3) on conflict do nothing")
                .execute(Tuple.of(room, userId, role)).replaceWithVoid();
    }

    /** Gives out the next seq of the room; the row lock it takes serializes concurrent senders. */
    public Uni<Long> nextSeq(SqlClient db, UUID room) {
        return db.preparedQuery("update rooms set last_seq = last_seq + 1, last_activity_at = now() where id = $1 returning last_seq")
                .execute(Tuple.of(room)).map(rows -> rows.iterator().next().getLong(0));
    }
}

package io.chat.message.repository;

import io.chat.contracts.Member;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** SQL for rooms and membership. Methods take the client so callers choose the transaction. */
@ApplicationScoped
public class RoomRepository {

    /** The room and the caller's role in it (null role: not a member); null when the room does not exist. */
    public record Access(UUID room, String kind, String name, String status, String createdBy, long lastSeq, String role,
            long readSeq, Long retentionSeconds) {
    }

    /**
     * @param forUpdate lock the room row: membership and settings changes of one room then happen one at a time,
     *                  which keeps "a room with members always has an owner" true
     */
    public Uni<Access> access(SqlClient db, UUID room, String userId, boolean forUpdate) {
        String sql = "select r.id, r.kind, r.name, r.status, r.created_by, r.last_seq, r.retention_seconds, m.role, m.read_seq "
                + "from rooms r left join members m on m.room_id = r.id and m.user_id = $2 where r.id = $1"
                + (forUpdate ? " for update of r" : "");
        return db.preparedQuery(sql).execute(Tuple.of(room, userId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            return access(room, rows.iterator().next());
        });
    }

    /**
     * {@link #access} for many (room, user) pairs in one query, without locks.
     *
     * @return one entry per pair, in the given order; null where the room does not exist
     */
    public Uni<List<Access>> accessAll(SqlClient db, UUID[] roomIds, String[] userIds) {
        return db.preparedQuery("select q.i, r.id, r.kind, r.name, r.status, r.created_by, r.last_seq, r.retention_seconds, "
                        + "m.role, m.read_seq from unnest($1::uuid[], $2::text[]) with ordinality as q(room_id, user_id, i) "
                        // 'offset 0' keeps each lookup a primary-key probe per pair; as plain joins the planner may
                        // hash whole tables for a handful of pairs
                        + "left join lateral (select * from rooms r where r.id = q.room_id offset 0) r on true "
                        + "left join lateral (select m.role, m.read_seq from members m "
                        + "where m.room_id = q.room_id and m.user_id = q.user_id offset 0) m on true")
                .execute(Tuple.of(roomIds, userIds)).map(rows -> {
                    Access[] out = new Access[roomIds.length];
                    for (Row r : rows) {
                        if (r.getUUID("id") != null) {
                            out[(int) (r.getLong("i") - 1)] = access(r.getUUID("id"), r);
                        }
                    }
                    return Arrays.asList(out);
                });
    }

    private static Access access(UUID room, Row r) {
        Long read = r.getLong("read_seq");
        return new Access(room, r.getString("kind"), r.getString("name"), r.getString("status"), r.getString("created_by"),
                r.getLong("last_seq"), r.getString("role"), read == null ? 0 : read, r.getLong("retention_seconds"));
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

    /** @return the ids actually added (those not already members) */
    public Uni<List<String>> addMembers(SqlClient db, UUID room, List<String> userIds, String role) {
        return db.preparedQuery("insert into members (room_id, user_id, role) select $1, u, $3 from unnest($2::text[]) u "
                + "on conflict do nothing returning user_id")
                .execute(Tuple.of(room, userIds.toArray(String[]::new), role)).map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** @return the role the user had, null when they were not a member */
    public Uni<String> removeMember(SqlClient db, UUID room, String userId) {
        return db.preparedQuery("delete from members where room_id = $1 and user_id = $2 returning role")
                .execute(Tuple.of(room, userId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    public Uni<Boolean> setRole(SqlClient db, UUID room, String userId, String role) {
        return db.preparedQuery("update members set role = $3 where room_id = $1 and user_id = $2")
                .execute(Tuple.of(room, userId, role)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * A room with members always has an owner: when none is left, the oldest admin, else the oldest
     * member, becomes owner. Direct rooms have no owner by design and are left alone.
     *
     * @return the promoted user, or null
     */
    public Uni<String> ensureOwner(SqlClient db, UUID room, String kind) {
        if ("direct".equals(kind)) {
            return Uni.createFrom().nullItem();
        }
        return db.preparedQuery("update members set role = 'owner' where room_id = $1 and user_id = ("
                + "select user_id from members where room_id = $1 and not exists "
                + "(select 1 from members o where o.room_id = $1 and o.role = 'owner') "
                + "order by (role = 'admin') desc, joined_at, user_id limit 1) returning user_id")
                .execute(Tuple.of(room)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    /** One line of the moderation audit log. */
    public Uni<Void> audit(SqlClient db, UUID room, String actor, String action, String target, String detail) {
        return db.preparedQuery("insert into audit_log (room_id, actor, action, target, detail) values ($1, $2, $3, $4, $5)")
                .execute(Tuple.from(Arrays.asList(room, actor, action, target, detail))).replaceWithVoid();
    }
}

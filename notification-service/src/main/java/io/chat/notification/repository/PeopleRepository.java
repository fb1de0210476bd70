package io.chat.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Local copies about people: profiles (user.events), presence (presence.events) and read pointers
 * (receipt.updated), and the one query that gathers all of it for a room's recipients.
 */
@ApplicationScoped
public class PeopleRepository {

    /** Everything needed to decide for one recipient; settings is the stored JSON text or null. */
    public record RecipientRow(String userId, String status, String settingsJson, String timeZone, long readSeq,
            Instant lastActiveAt) {
    }

    public record UserRow(String userId, String username, String displayName, String email, String timeZone) {
    }

    @Inject
    Pool pool;

    public Uni<Void> upsertUser(String userId, String username, String displayName, String email, String timeZone) {
        return pool.preparedQuery("""
                        insert into users (user_id, username, display_name, email, time_zone, updated_at)
                        values ($1, $2, $3, $4, $5, now())
                        on conflict (user_id) do update set username = coalesce($2, users.username),
                            display_name = coalesce($3, users.display_name), email = coalesce($4, users.email),
                            time_zone = coalesce($5, users.time_zone), updated_at = now()""")
                .execute(Tuple.of(userId, username, displayName, email, timeZone)).replaceWithVoid();
    }

    public Uni<UserRow> findUser(String userId) {
        return pool.preparedQuery("select user_id, username, display_name, email, time_zone from users where user_id = $1")
                .execute(Tuple.of(userId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    return new UserRow(r.getString("user_id"), r.getString("username"), r.getString("display_name"),
                            r.getString("email"), r.getString("time_zone"));
                });
    }

    public Uni<Void> setPresence(String userId, String status) {
        return pool.preparedQuery("""
                        insert into presence (user_id, status, updated_at) values ($1, $2, now())
                        on conflict (user_id) do update set status = $2, updated_at = now()""")
                .execute(Tuple.of(userId, status)).replaceWithVoid();
    }

    /** Moves the read pointer forward only, and notes that the user is reading that room now. */
    public Uni<Void> advanceReadPointer(String userId, String roomId, long readSeq, Instant at) {
        return pool.preparedQuery("""
                        insert into read_pointers (user_id, room_id, read_seq, last_active_at) values ($1, $2, $3, $4)
                        on conflict (user_id, room_id) do update set
                            read_seq = greatest(read_pointers.read_seq, $3),
                            last_active_at = greatest(read_pointers.last_active_at, $4)""")
                .execute(Tuple.of(userId, roomId, readSeq, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** A room and its members, each with what a decision about them needs. */
    public record Audience(RoomRepository.RoomRow room, List<RecipientRow> members) {
    }

    /**
     * The rooms (each once) with their members, in one query: a run of {@code message.created} events costs one round
     * trip instead of two per message. The result is one row per member of each room, so callers bound the number of
     * rooms per call. Correlated subqueries and 'offset 0' keep every part one primary-key lookup per room or member:
     * joined freely, the planner picked hash joins that read the whole users and presence tables whenever the
     * statistics made them look small.
     *
     * @return by room id; a room not known here is absent
     */
    public Uni<java.util.Map<String, Audience>> audiences(Collection<String> roomIds) {
        return pool.preparedQuery("""
                        select q.room_id, r.kind, r.name, m.user_id, m.status, m.settings, m.time_zone, m.read_seq,
                               m.last_active_at
                        from unnest($1::text[]) as q(room_id)
                        join lateral (select r.kind, r.name from rooms r where r.room_id = q.room_id offset 0) r on true
                        left join lateral (
                            select m.user_id,
                                   (select p.status from presence p where p.user_id = m.user_id) as status,
                                   (select s.settings::text from notification_settings s where s.user_id = m.user_id) as settings,
                                   (select u.time_zone from users u where u.user_id = m.user_id) as time_zone,
                                   coalesce(rp.read_seq, 0) as read_seq, rp.last_active_at
                            from room_members m
                            left join lateral (select rp.read_seq, rp.last_active_at from read_pointers rp
                                               where rp.user_id = m.user_id and rp.room_id = m.room_id offset 0) rp on true
                            where m.room_id = q.room_id
                            offset 0) m on true""")
                .execute(Tuple.of(roomIds.toArray(String[]::new)))
                .map(rows -> {
                    java.util.Map<String, Audience> out = new java.util.HashMap<>();
                    for (Row r : rows) {
                        String roomId = r.getString("room_id");
                        Audience a = out.computeIfAbsent(roomId, id -> new Audience(
                                new RoomRepository.RoomRow(id, r.getString("kind"), r.getString("name")), new ArrayList<>()));
                        if (r.getString("user_id") != null) {
                            OffsetDateTime active = r.getOffsetDateTime("last_active_at");
                            a.members().add(new RecipientRow(r.getString("user_id"), r.getString("status"),
                                    r.getString("settings"), r.getString("time_zone"), r.getLong("read_seq"),
                                    active == null ? null : active.toInstant()));
                        }
                    }
                    return out;
                });
    }

    /** Erasure (user.deleted): everything this service holds about the user, in one transaction. */
    public Uni<Void> eraseUser(String userId) {
        Tuple t = Tuple.of(userId);
        return pool.withTransaction(c -> c.preparedQuery("delete from notifications where user_id = $1").execute(t)
                .chain(() -> c.preparedQuery("delete from digest_items where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("delete from push_subscriptions where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("delete from notification_settings where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("delete from read_pointers where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("delete from presence where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("delete from room_members where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("delete from notification_decisions where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("delete from users where user_id = $1").execute(t))
                .chain(() -> c.preparedQuery("insert into deleted_users (user_id) values ($1) on conflict do nothing").execute(t))
                .replaceWithVoid());
    }

    public Uni<Boolean> isDeleted(String userId) {
        return pool.preparedQuery("select 1 from deleted_users where user_id = $1").execute(Tuple.of(userId))
                .map(rows -> rows.size() > 0);
    }
}

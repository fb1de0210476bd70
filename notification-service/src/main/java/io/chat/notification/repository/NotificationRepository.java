package io.chat.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Decisions (once per event and user), the in-app feed and the digest queue. */
@ApplicationScoped
public class NotificationRepository {

    public record NotificationRow(UUID id, String userId, String kind, String roomId, String msgId, Long seq,
            String sender, String preview, Instant createdAt, Instant readAt) {
    }

    /** What to write for one recipient: a feed entry when {@code inApp}, a digest line when {@code digestText} is set. */
    public record Outcome(String eventId, String userId, String outcome, NotificationRow notification, boolean inApp,
            String digestText) {
    }

    @Inject
    Pool pool;

    /**
     * Records the decision and its rows in one transaction. Returns false when this (event, user) was already
     * decided — a redelivery — in which case nothing is written and the caller must not push or publish.
     */
    public Uni<Boolean> record(Outcome o) {
        return recordAll(List.of(o)).map(first -> first.contains(o.userId()));
    }

    /**
     * Records the outcomes of one event for its recipients in one transaction: one statement for the decisions,
     * then the feed and digest rows of the recipients decided for the first time.
     *
     * @return the recipients whose outcome was recorded now (a redelivered event returns none)
     */
    public Uni<Set<String>> recordAll(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        String eventId = outcomes.get(0).eventId();
        String[] users = outcomes.stream().map(Outcome::userId).toArray(String[]::new);
        String[] results = outcomes.stream().map(Outcome::outcome).toArray(String[]::new);
        // an account erased since its recipients were read (a run reads them all first) gets nothing: no decision, so
        // no feed row, digest line, push or live notification
        return pool.withTransaction(c -> c.preparedQuery("""
                        insert into notification_decisions (event_id, user_id, outcome)
                        select $1, u, o from unnest($2::text[], $3::text[]) as d(u, o)
                        where not exists (select 1 from deleted_users x where x.user_id = d.u)
                        on conflict do nothing returning user_id""")
                .execute(Tuple.of(eventId, users, results))
                .chain(rs -> {
                    Set<String> first = new HashSet<>();
                    rs.forEach(r -> first.add(r.getString(0)));
                    Uni<Void> rows = Uni.createFrom().voidItem();
                    for (Outcome o : outcomes) {
                        if (first.contains(o.userId())) {
                            rows = rows.chain(() -> feedAndDigest(c, o));
                        }
                    }
                    return rows.replaceWith(first);
                }));
    }

    private Uni<Void> feedAndDigest(SqlConnection c, Outcome o) {
        Uni<Void> feed = Uni.createFrom().voidItem();
        NotificationRow n = o.notification();
        if (n != null && o.inApp()) {
            feed = c.preparedQuery("""
                            insert into notifications (id, user_id, event_id, kind, room_id, msg_id, seq, sender,
                                preview, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                            on conflict (event_id, user_id) do nothing""")
                    .execute(Tuple.from(Arrays.asList(n.id(), o.userId(), o.eventId(), n.kind(), n.roomId(),
                            n.msgId(), n.seq(), n.sender(), n.preview(), utc(n.createdAt()))))
                    .replaceWithVoid();
        }
        if (o.digestText() != null && n != null) {
            feed = feed.chain(() -> c.preparedQuery("""
                            insert into digest_items (user_id, event_id, room_id, msg_id, seq, sender, text)
                            values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing""")
                    .execute(Tuple.from(Arrays.asList(o.userId(), o.eventId(), n.roomId(), n.msgId(), n.seq(),
                            n.sender(), o.digestText())))
                    .replaceWithVoid());
        }
        return feed;
    }

    /** Newest first; the cursor is the (createdAt, id) of the last item of the previous page. */
    public Uni<List<NotificationRow>> page(String userId, Instant beforeCreatedAt, UUID beforeId, int limit) {
        String sql = beforeCreatedAt == null
                ? "select * from notifications where user_id = $1 order by created_at desc, id desc limit $2"
                : """
                select * from notifications where user_id = $1 and (created_at, id) < ($3, $4)
                order by created_at desc, id desc limit $2""";
        Tuple t = beforeCreatedAt == null ? Tuple.of(userId, limit)
                : Tuple.of(userId, limit, utc(beforeCreatedAt), beforeId);
        return pool.preparedQuery(sql).execute(t).map(NotificationRepository::rows);
    }

    public Uni<List<NotificationRow>> all(String userId, int max) {
        return pool.preparedQuery("select * from notifications where user_id = $1 order by created_at, id limit $2")
                .execute(Tuple.of(userId, max)).map(NotificationRepository::rows);
    }

    public Uni<Long> unread(String userId) {
        return pool.preparedQuery("select count(*) from notifications where user_id = $1 and read_at is null")
                .execute(Tuple.of(userId)).map(rs -> rs.iterator().next().getLong(0));
    }

    public Uni<Integer> markRead(String userId, List<UUID> ids) {
        return pool.preparedQuery("""
                        update notifications set read_at = now()
                        where user_id = $1 and id = any($2) and read_at is null""")
                .execute(Tuple.of(userId, ids.toArray(UUID[]::new))).map(RowSet::rowCount);
    }

    /** Marks everything up to and including the given notification (by creation order) as read. */
    public Uni<Integer> markReadUpTo(String userId, UUID upTo) {
        return pool.preparedQuery("""
                        update notifications n set read_at = now()
                        from notifications ref
                        where ref.id = $2 and ref.user_id = $1 and n.user_id = $1 and n.read_at is null
                          and (n.created_at, n.id) <= (ref.created_at, ref.id)""")
                .execute(Tuple.of(userId, upTo)).map(RowSet::rowCount);
    }

    public Uni<Integer> markReadUpTo(String userId, Instant upTo) {
        return pool.preparedQuery("""
                        update notifications set read_at = now()
                        where user_id = $1 and read_at is null and created_at <= $2""")
                .execute(Tuple.of(userId, utc(upTo))).map(RowSet::rowCount);
    }

    /** The user read the room up to {@code seq}: their message notifications there are read, pending digest lines go. */
    public Uni<Void> roomReadUpTo(String userId, String roomId, long seq) {
        Tuple t = Tuple.of(userId, roomId, seq);
        return pool.withTransaction(c -> c.preparedQuery("""
                        update notifications set read_at = now()
                        where user_id = $1 and room_id = $2 and seq <= $3 and read_at is null""").execute(t)
                .chain(() -> c.preparedQuery("delete from digest_items where user_id = $1 and room_id = $2 and seq <= $3")
                        .execute(t))
                .replaceWithVoid());
    }

    /** A deleted message leaves nobody's digest and its notifications lose their preview. */
    public Uni<Void> messageDeleted(String roomId, String msgId) {
        Tuple t = Tuple.of(roomId, msgId);
        return pool.withTransaction(c -> c.preparedQuery("delete from digest_items where room_id = $1 and msg_id = $2")
                .execute(t)
                .chain(() -> c.preparedQuery("update notifications set preview = null where room_id = $1 and msg_id = $2")
                        .execute(t))
                .replaceWithVoid());
    }

    static List<NotificationRow> rows(RowSet<Row> rs) {
        List<NotificationRow> out = new ArrayList<>();
        for (Row r : rs) {
            OffsetDateTime read = r.getOffsetDateTime("read_at");
            out.add(new NotificationRow(r.getUUID("id"), r.getString("user_id"), r.getString("kind"),
                    r.getString("room_id"), r.getString("msg_id"), r.getLong("seq"), r.getString("sender"),
                    r.getString("preview"), r.getOffsetDateTime("created_at").toInstant(),
                    read == null ? null : read.toInstant()));
        }
        return out;
    }

    static OffsetDateTime utc(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}

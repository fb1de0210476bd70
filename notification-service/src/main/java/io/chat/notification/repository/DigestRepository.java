package io.chat.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The digest queue. A batch is claimed (claim_id) by one sender before its email goes out and deleted after;
 * a claim left by a crashed sender expires and is retried, so an email is sent at least once.
 */
@ApplicationScoped
public class DigestRepository {

    public record DigestLine(String roomId, String roomName, String roomKind, String msgId, long seq, String sender,
            String senderName, String text, Instant createdAt) {
    }

    @Inject
    Pool pool;

    /** Users whose oldest pending line is older than their digest interval (or the default delay). */
    public Uni<List<String>> dueUsers(Duration defaultDelay, Duration claimTimeout, int limit) {
        return pool.preparedQuery("""
                        select d.user_id from digest_items d
                        left join notification_settings s on s.user_id = d.user_id
                        where d.claim_id is null or d.claimed_at < now() - ($2 * interval '1 millisecond')
                        group by d.user_id, s.settings
                        having min(d.created_at) <= now() - coalesce(
                            ((s.settings ->> 'emailDigestIntervalMinutes')::int * interval '1 minute'),
                            ($1 * interval '1 millisecond'))
                        limit $3""")
                .execute(Tuple.of(defaultDelay.toMillis(), claimTimeout.toMillis(), limit))
                .map(rs -> {
                    List<String> out = new ArrayList<>();
                    rs.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** Drops what the user read in the meantime, then claims the rest (oldest room first, newest message last). */
    public Uni<List<DigestLine>> claim(String userId, UUID claimId, Duration claimTimeout) {
        return pool.withTransaction(c -> c.preparedQuery("""
                        delete from digest_items d using read_pointers r
                        where d.user_id = $1 and r.user_id = d.user_id and r.room_id = d.room_id and d.seq <= r.read_seq""")
                .execute(Tuple.of(userId))
                .chain(() -> c.preparedQuery("""
                                with claimed as (
                                    update digest_items set claim_id = $2, claimed_at = now()
                                    where user_id = $1 and (claim_id is null or claimed_at < now() - ($3 * interval '1 millisecond'))
                                    returning *)
                                select c.*, r.name as room_name, r.kind as room_kind, u.display_name as sender_name
                                from claimed c
                                left join rooms r on r.room_id = c.room_id
                                left join users u on u.user_id = c.sender
                                order by c.room_id, c.seq""")
                        .execute(Tuple.of(userId, claimId, claimTimeout.toMillis())))
                .map(rs -> {
                    List<DigestLine> out = new ArrayList<>();
                    for (Row r : rs) {
                        out.add(new DigestLine(r.getString("room_id"), r.getString("room_name"), r.getString("room_kind"),
                                r.getString("msg_id"), r.getLong("seq"), r.getString("sender"),
                                r.getString("sender_name"), r.getString("text"),
                                r.getOffsetDateTime("created_at").toInstant()));
                    }
                    return out;
                }));
    }

    public Uni<Void> complete(UUID claimId) {
        return pool.preparedQuery("delete from digest_items where claim_id = $1").execute(Tuple.of(claimId))
                .replaceWithVoid();
    }

    public Uni<Void> release(UUID claimId) {
        return pool.preparedQuery("update digest_items set claim_id = null, claimed_at = null where claim_id = $1")
                .execute(Tuple.of(claimId)).replaceWithVoid();
    }

    /** The user turned digests off or has no email address: nothing pending for them is ever sent. */
    public Uni<Void> dropAll(String userId) {
        return pool.preparedQuery("delete from digest_items where user_id = $1").execute(Tuple.of(userId))
                .replaceWithVoid();
    }
}

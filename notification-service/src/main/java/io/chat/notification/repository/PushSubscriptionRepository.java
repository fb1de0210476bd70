package io.chat.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Push subscriptions (one row per endpoint; an endpoint re-registered by another user moves to that user). */
@ApplicationScoped
public class PushSubscriptionRepository {

    public record SubscriptionRow(String endpoint, String userId, String provider, String p256dh, String auth,
            Instant createdAt) {
    }

    @Inject
    Pool pool;

    public Uni<Void> save(String userId, String provider, String endpoint, String p256dh, String auth) {
        return pool.preparedQuery("""
                        insert into push_subscriptions (endpoint, user_id, provider, p256dh, auth) values ($1, $2, $3, $4, $5)
                        on conflict (endpoint) do update set user_id = $2, provider = $3, p256dh = $4, auth = $5""")
                .execute(Tuple.of(endpoint, userId, provider, p256dh, auth)).replaceWithVoid();
    }

    public Uni<Boolean> delete(String userId, String endpoint) {
        return pool.preparedQuery("delete from push_subscriptions where endpoint = $1 and user_id = $2")
                .execute(Tuple.of(endpoint, userId)).map(rs -> rs.rowCount() > 0);
    }

    /** The push service said the subscription is gone (404/410). */
    public Uni<Void> deleteEndpoint(String endpoint) {
        return pool.preparedQuery("delete from push_subscriptions where endpoint = $1")
                .execute(Tuple.of(endpoint)).replaceWithVoid();
    }

    public Uni<List<SubscriptionRow>> forUser(String userId) {
        return pool.preparedQuery("select * from push_subscriptions where user_id = $1 order by created_at")
                .execute(Tuple.of(userId)).map(PushSubscriptionRepository::rows);
    }

    static List<SubscriptionRow> rows(RowSet<Row> rs) {
        List<SubscriptionRow> out = new ArrayList<>();
        for (Row r : rs) {
            out.add(new SubscriptionRow(r.getString("endpoint"), r.getString("user_id"), r.getString("provider"),
                    r.getString("p256dh"), r.getString("auth"), r.getOffsetDateTime("created_at").toInstant()));
        }
        return out;
    }
}

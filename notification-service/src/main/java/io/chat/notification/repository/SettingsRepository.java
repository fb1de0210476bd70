package io.chat.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** One JSON settings document per user (validated by the service before it gets here). */
@ApplicationScoped
public class SettingsRepository {

    @Inject
    Pool pool;

    /** The stored JSON text, or null when the user never saved settings. */
    public Uni<String> find(String userId) {
        return pool.preparedQuery("select settings::text from notification_settings where user_id = $1")
                .execute(Tuple.of(userId))
                .map(rs -> rs.iterator().hasNext() ? rs.iterator().next().getString(0) : null);
    }

    public Uni<Void> save(String userId, String json) {
        return pool.preparedQuery("""
                        insert into notification_settings (user_id, settings, updated_at) values ($1, $2, now())
                        on conflict (user_id) do update set settings = $2, updated_at = now()""")
                .execute(Tuple.of(userId, new JsonObject(json))).replaceWithVoid();
    }
}

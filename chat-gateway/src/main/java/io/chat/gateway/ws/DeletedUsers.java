package io.chat.gateway.ws;

import io.chat.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Deleted accounts, remembered in Redis (shared by all replicas) for longer than any access token
 * lives, so that a deleted user's unexpired token cannot open a new socket.
 */
@ApplicationScoped
public class DeletedUsers {
    private static final Logger LOG = Logger.getLogger(DeletedUsers.class);

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    GatewayConfig config;

    public void remember(String userId) {
        redis.execute("SET", key(userId), "1", "PX", String.valueOf(config.deletedUserTombstone().toMillis()))
                .subscribe().with(x -> { }, e -> LOG.warnf("cannot record a deleted user: %s", e.toString()));
    }

    public Uni<Boolean> isDeleted(String userId) {
        return redis.execute("EXISTS", key(userId)).map(r -> r.toLong() == 1);
    }

    private static String key(String userId) {
        return "gw:deleted:" + userId;
    }
}

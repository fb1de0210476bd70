package io.chat.presence.service;

import io.chat.presence.config.PresenceConfig;
import io.chat.presence.messaging.PresenceEventPublisher;
import io.chat.presence.repository.PresenceStore;
import io.chat.presence.repository.TypingKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Expires what nobody will end explicitly: sockets of dead gateways, offline grace periods, idle
 * users, dnd, typing. Due work is found with sorted sets by deadline (ZRANGEBYSCORE), so a sweep
 * costs two round trips however many users are online. Every replica may sweep; claims are atomic.
 */
@ApplicationScoped
public class ExpirySweeper {
    private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);

    private final PresenceStore store;
    private final PresenceEventPublisher publisher;
    private final PresenceConfig config;
    private final AtomicLong onlineUsers = new AtomicLong();
    private final AtomicLong sockets = new AtomicLong();

    public ExpirySweeper(PresenceStore store, PresenceEventPublisher publisher, PresenceConfig config,
            MeterRegistry registry) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        // cluster-wide values read from Redis: every replica reports the same number (use max, not sum)
        Gauge.builder("chat_presence_online_users", onlineUsers, AtomicLong::get)
                .description("Users whose published status is not offline (all replicas)").register(registry);
        Gauge.builder("chat_presence_sockets", sockets, AtomicLong::get)
                .description("Live sockets known to presence (all replicas)").register(registry);
    }

    // delayed: the first sweeps must not claim expiries before the Kafka emitter is wired at start-up
    @Scheduled(every = "${chat.presence.sweep-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        long now = System.currentTimeMillis();
        return store.sweep(now, config.idleTimeout().toMillis(), config.offlineGrace().toMillis(),
                        config.lease().toMillis(), config.sweepBatch())
                .flatMap(r -> {
                    onlineUsers.set(r.onlineUsers());
                    sockets.set(Math.max(0, r.sockets()));
                    return Uni.createFrom().completionStage(publisher.presenceChanged(r.changes()));
                })
                .flatMap(x -> store.typingSweep(now, config.sweepBatch()))
                .flatMap(this::publishTypingStops)
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("presence sweep failed (will retry next tick): %s", t.toString());
                    return null;
                });
    }

    private Uni<Void> publishTypingStops(List<TypingKey> expired) {
        return Uni.createFrom().completionStage(PresenceEventPublisher.all(
                expired.stream().map(k -> publisher.typingChanged(k.room(), k.user(), "stop")).toList()));
    }
}

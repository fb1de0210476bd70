package io.chat.message.service;

import io.chat.contracts.EventTypes;
import io.chat.message.config.MessageConfig;
import io.chat.message.repository.MessageRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rooms with a retention TTL lose messages older than it: they become tombstones (text, edit
 * history, reactions and pins removed; room, seq, sender and ts kept so seq stays gap-free for
 * sync) and each gets a message.deleted event through the outbox. Batches lock with SKIP LOCKED,
 * so replicas running the job at once share the work instead of colliding.
 */
@ApplicationScoped
public class RetentionJob {
    private static final Logger LOG = Logger.getLogger(RetentionJob.class);
    static final int MAX_BATCHES_PER_RUN = 20;

    @Inject
    Changes changes;
    @Inject
    MessageRepository messages;
    @Inject
    MessageConfig config;

    private final Counter purged;

    @Inject
    public RetentionJob(MeterRegistry registry) {
        purged = Counter.builder("chat_retention_purged_total").description("messages tombstoned by retention").register(registry);
    }

    @Scheduled(every = "${chat.messages.retention-interval:60s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return batch(0).onFailure().invoke(e -> LOG.warnf("retention run failed, will retry: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> batch(int done) {
        if (done >= MAX_BATCHES_PER_RUN) {
            return Uni.createFrom().voidItem();
        }
        return purgeBatch().flatMap(n -> n < config.retentionBatch() ? Uni.createFrom().voidItem() : batch(done + 1));
    }

    /** @return how many messages this batch tombstoned */
    Uni<Integer> purgeBatch() {
        return changes.run(conn -> conn.preparedQuery("select m.id from rooms r join messages m on m.room_id = r.id "
                + "where r.retention_seconds is not null and not m.deleted "
                + "and m.ts < now() - r.retention_seconds * interval '1 second' "
                + "order by m.ts limit $1 for update of m skip locked")
                .execute(Tuple.of(config.retentionBatch())).flatMap(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return messages.tombstone(conn, ids.toArray(UUID[]::new), null).flatMap(gone -> {
                        Uni<Void> chain = Uni.createFrom().voidItem();
                        for (var m : gone) {
                            chain = chain.flatMap(x -> changes.event(conn, UUID.fromString(m.room()), EventTypes.MESSAGE_DELETED, m));
                        }
                        return chain.map(x -> {
                            purged.increment(gone.size());
                            return gone.size();
                        });
                    });
                }));
    }
}

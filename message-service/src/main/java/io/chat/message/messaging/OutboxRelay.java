package io.chat.message.messaging;

import io.chat.message.config.MessageConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to chat.events in id order and deletes them once Kafka acknowledged them.
 * Ids are handed out before commit, so a pass can see a higher id while a lower one is still
 * uncommitted; that row is published by a later pass. Events that must stay ordered (a room's new
 * messages, one message's changes) are written under a row lock (the room's, the message's), so the
 * later of two cannot commit before the earlier, and they are still published in order.
 * Triggered right after each commit (low latency) and by a poll (rows left by a crash or a Kafka
 * outage). A PostgreSQL advisory lock lets one replica relay at a time, which keeps per-room order.
 * Delivery is at-least-once: a crash after publishing but before deleting republishes, and
 * consumers drop duplicates by eventId or seq.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long RELAY_LOCK = 0x6368617420L; // "chat " – any constant shared by the replicas

    @Inject
    Pool pool;
    @Inject
    MessageConfig config;
    @Inject
    @Channel("chat-events")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> events;

    /**
     * Rows published since the last {@link #vacuum}. A pass reads the outbox from its lowest id, through the index
     * entries of every row deleted since the last vacuum, and autovacuum comes once a minute: so the relay vacuums.
     */
    private final AtomicLong sinceVacuum = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopping;
    private final Counter published;

    @Inject
    public OutboxRelay(MeterRegistry registry) {
        published = Counter.builder("chat_outbox_published_total").description("events published from the outbox")
                .register(registry);
    }

    /** Asks for a relay pass; passes never overlap, and a request during a pass causes another pass. */
    public void trigger() {
        if (stopping) {
            return;
        }
        again.set(true);
        if (running.compareAndSet(false, true)) {
            loop();
        }
    }

    private void loop() {
        again.set(false);
        pool.withTransaction(this::relayBatch).subscribe().with(count -> {
            running.set(false);
            if (count >= config.outboxBatch() || again.get()) {
                trigger();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf("outbox relay pass failed, will retry: %s", failure.toString());
        });
    }

    private Uni<Integer> relayBatch(SqlConnection conn) {
        return conn.preparedQuery("select pg_try_advisory_xact_lock($1)").execute(Tuple.of(RELAY_LOCK)).flatMap(locked -> {
            if (!locked.iterator().next().getBoolean(0)) {
                return Uni.createFrom().item(0); // another replica is relaying
            }
            return conn.preparedQuery("select id, key, payload from outbox order by id limit $1")
                    .execute(Tuple.of(config.outboxBatch())).flatMap(rows -> {
                        List<Row> batch = new ArrayList<>();
                        rows.forEach(batch::add);
                        if (batch.isEmpty()) {
                            return Uni.createFrom().item(0);
                        }
                        // exactly the rows published: an 'id <= last' would run on a newer snapshot (read committed)
                        // and also delete a lower id whose transaction committed after the select, unpublished
                        Long[] ids = new Long[batch.size()];
                        for (int i = 0; i < ids.length; i++) {
                            ids[i] = batch.get(i).getLong("id");
                        }
                        // send all, then wait for every ack: the producer batches and keeps order per partition
                        List<Uni<Void>> acks = new ArrayList<>(batch.size());
                        for (Row row : batch) {
                            acks.add(events.sendMessage(Message.of(row.getString("payload")).addMetadata(
                                    OutgoingKafkaRecordMetadata.<String>builder().withKey(row.getString("key")).build())));
                        }
                        return Uni.join().all(acks).andFailFast()
                                .flatMap(x -> conn.preparedQuery("delete from outbox where id = any($1)").execute(Tuple.of(ids)))
                                .map(x -> {
                                    published.increment(batch.size());
                                    sinceVacuum.addAndGet(batch.size());
                                    return batch.size();
                                });
                    });
        });
    }

    /** Not before the application has started: the emitter is connected to its channel during start-up. */
    @Scheduled(every = "${chat.messages.outbox-poll:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        trigger();
    }

    /** Once a second at most, after {@code chat.messages.outbox-vacuum-after} rows were published; see {@link #sinceVacuum}. */
    @Scheduled(every = "${chat.messages.outbox-vacuum-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> vacuum() {
        long rows = sinceVacuum.get();
        if (rows < config.outboxVacuumAfter() || stopping) {
            return Uni.createFrom().voidItem();
        }
        sinceVacuum.addAndGet(-rows);
        // skip_locked: autovacuum or another replica at it is as good; no truncation, which would lock out the writers;
        // index_cleanup on: the index is what the passes walk, and "auto" may skip it when few heap pages have dead rows;
        // process_toast false: large events (a big room's membership) leave dead payloads in the TOAST table, which the
        // passes never read; vacuuming it at full speed held up commits for a second, so it is left to autovacuum
        return pool.query("vacuum (skip_locked, truncate false, index_cleanup on, process_toast false) outbox").execute()
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    sinceVacuum.addAndGet(rows); // try again on the next tick
                    LOG.warnf("vacuuming the outbox failed (autovacuum remains): %s", e.toString());
                    return null;
                });
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }
}

package io.chat.message.messaging;

import io.chat.message.config.MessageConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to chat.events in id order and deletes them, in a later pass, once Kafka acknowledged them: a
 * pass does not wait for the acks of the one before it, which was half of a pass's time ({@link PublishWindow};
 * docs/benchmarks.md, fifteenth round).
 * Ids are handed out before commit, so a pass can see a higher id while a lower one is still
 * uncommitted; that row is published by a later pass. Events that must stay ordered (a room's new
 * messages, one message's changes) are written under a row lock (the room's, the message's), so the
 * later of two cannot commit before the earlier, and they are still published in order.
 * Triggered right after each commit (low latency) and by a poll (rows left by a crash or a Kafka
 * outage). A PostgreSQL advisory lock lets one replica relay at a time, which keeps per-room order;
 * it is held for a pass, not until its acks, so another replica that takes over may send again rows
 * still in flight (duplicates, sent in order by each). Delivery is at-least-once: a crash after
 * publishing but before deleting republishes, and consumers drop duplicates by eventId or seq.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long RELAY_LOCK = 0x6368617420L; // "chat " – any constant shared by the replicas

    @Inject
    Pool pool;
    private final MessageConfig config;
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
    private final PublishWindow window;
    private final Counter published;
    private final Timer passes;
    private final DistributionSummary rowsPerPass;

    @Inject
    public OutboxRelay(MeterRegistry registry, MessageConfig config) {
        this.config = config;
        published = Counter.builder("chat_outbox_published_total").description("events published from the outbox")
                .register(registry);
        window = new PublishWindow(config.outboxWindow());
        passes = Timer.builder("chat_outbox_relay_pass").description("relay passes that published rows: begin to commit")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        rowsPerPass = DistributionSummary.builder("chat_outbox_relay_rows").description("rows published per relay pass")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
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
        long started = System.nanoTime();
        PublishWindow.Pass pass = window.start();
        if (pass == null) {
            running.set(false); // the send that settles the window asks for the next pass
            if (again.get()) {
                trigger(); // it may have asked while this pass was still being refused
            }
            return;
        }
        pool.withTransaction(conn -> relayBatch(conn, pass)).subscribe().with(count -> {
            if (count >= 0) { // committed with its delete (not when another replica held the lock)
                window.deleted(pass.delete());
            }
            if (count > 0) {
                passes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                rowsPerPass.record(count);
            }
            running.set(false);
            if (count >= config.outboxBatch() || again.get()) {
                trigger();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf("outbox relay pass failed, will retry: %s", failure.toString());
        });
    }

    /**
     * One pass: deletes the rows acknowledged since the last pass, reads the next ones in id order but those still in
     * flight, and sends them; their acks are not waited for (see {@link PublishWindow}).
     *
     * @return the rows sent, or -1 when another replica is relaying (nothing was deleted or sent)
     */
    private Uni<Integer> relayBatch(SqlConnection conn, PublishWindow.Pass pass) {
        return conn.preparedQuery("select pg_try_advisory_xact_lock($1)").execute(Tuple.of(RELAY_LOCK)).flatMap(locked -> {
            if (!locked.iterator().next().getBoolean(0)) {
                return Uni.createFrom().item(-1); // another replica is relaying
            }
            // one statement: the delete's rows are still in its snapshot, so the select leaves them out by id too.
            // Exactly the rows acknowledged: an 'id <= last' would also delete a lower id whose transaction committed
            // after that row was read, unpublished (read committed)
            return conn.preparedQuery("with gone as (delete from outbox where id = any($2)) "
                            + "select id, key, payload from outbox where id <> all($2) and id <> all($3) order by id limit $1")
                    .execute(Tuple.of(config.outboxBatch(), pass.delete(), pass.inFlight())).map(rows -> {
                        int sent = 0;
                        // sent in id order: the producer keeps it per partition, also across passes
                        for (Row row : rows) {
                            long id = row.getLong("id");
                            window.sending(id);
                            try {
                                events.sendMessage(Message.of(row.getString("payload")).addMetadata(
                                        OutgoingKafkaRecordMetadata.<String>builder().withKey(row.getString("key")).build()))
                                        .subscribe().with(x -> {
                                            published.increment();
                                            sinceVacuum.incrementAndGet();
                                            if (window.acked(id)) {
                                                trigger();
                                            }
                                        }, e -> sendFailed(id, e));
                            } catch (RuntimeException e) { // the emitter refused at once (shutting down): never in flight
                                sendFailed(id, e);
                            }
                            sent++;
                        }
                        return sent;
                    });
        });
    }

    private void sendFailed(long id, Throwable e) {
        LOG.warnf("publishing an outbox row failed, it is sent again later: %s", e.toString());
        if (window.failed(id)) {
            trigger();
        }
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

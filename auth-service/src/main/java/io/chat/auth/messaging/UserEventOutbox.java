package io.chat.auth.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.auth.repository.Db;
import io.chat.contracts.Envelope;
import io.chat.contracts.Topics;
import io.chat.contracts.UserEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Transactional outbox for {@code user.events}: {@link #enqueue} writes the envelope in the caller's transaction, so
 * the change and its event cannot diverge; a single relay thread publishes pending rows (at once after a
 * {@link #kick}, and every 2 s as a safety net), waits for Kafka's ack, then deletes them. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas share the work. At-least-once: consumers dedupe by eventId.
 */
@ApplicationScoped
public class UserEventOutbox {
    private static final Logger LOG = Logger.getLogger(UserEventOutbox.class);
    private static final int BATCH = 100;

    private final Db db;
    private final ObjectMapper json;
    private final MutinyEmitter<String> emitter;
    private final AtomicBoolean kicked = new AtomicBoolean();
    private ScheduledExecutorService relay;

    public UserEventOutbox(Db db, ObjectMapper json, @Channel("user-events") MutinyEmitter<String> emitter) {
        this.db = db;
        this.json = json;
        this.emitter = emitter;
    }

    void start(@Observes StartupEvent ev) {
        relay = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "user-events-outbox");
            t.setDaemon(true);
            return t;
        });
        relay.scheduleWithFixedDelay(this::relaySafely, 1, 2, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (relay != null) {
            relay.shutdown();
        }
    }

    /** Adds an event to the outbox within the caller's transaction ({@code db}). */
    public void enqueue(SqlClient db, String type, UserEvent payload) {
        Envelope.Outgoing envelope = Envelope.Outgoing.of(type, payload);
        try {
            db.preparedQuery("INSERT INTO outbox (topic, record_key, value) VALUES ($1, $2, $3)")
                    .executeAndAwait(Tuple.of(Topics.USER_EVENTS, payload.userId(), json.writeValueAsString(envelope)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        }
    }

    /** Asks the relay to publish now (call after the transaction committed). */
    public void kick() {
        if (relay != null && kicked.compareAndSet(false, true)) {
            relay.execute(this::relaySafely);
        }
    }

    private void relaySafely() {
        kicked.set(false);
        try {
            while (relayBatch() == BATCH) {
                // more pending: keep going
            }
        } catch (RuntimeException e) {
            LOG.warnf("user.events outbox relay failed, will retry: %s", e.getMessage());
        }
    }

    /** Publishes one batch; returns how many rows were published. */
    int relayBatch() {
        return db.inTransaction(conn -> {
            List<Long> ids = new ArrayList<>();
            List<Uni<Void>> sends = new ArrayList<>();
            for (Row r : conn.preparedQuery("SELECT id, record_key, value FROM outbox ORDER BY id LIMIT $1 "
                    + "FOR UPDATE SKIP LOCKED").executeAndAwait(Tuple.of(BATCH))) {
                ids.add(r.getLong("id"));
                Message<String> msg = Message.of(r.getString("value")).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(r.getString("record_key")).build());
                sends.add(emitter.sendMessage(msg));
            }
            if (ids.isEmpty()) {
                return 0;
            }
            // the producer keeps per-partition order; wait for every ack before forgetting the rows
            Uni.join().all(sends).andFailFast().await().atMost(Duration.ofSeconds(30));
            conn.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)")
                    .executeAndAwait(Tuple.of(ids.toArray(Long[]::new)));
            return ids.size();
        });
    }
}

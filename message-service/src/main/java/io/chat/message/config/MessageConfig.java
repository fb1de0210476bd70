package io.chat.message.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "chat.messages")
public interface MessageConfig {
    /** Most messages one room returns to a sync; more means complete=false and the client pages over REST. */
    @WithDefault("100")
    int syncLimit();

    /** Hard upper limit of every history page. */
    @WithDefault("100")
    int pageLimit();

    @WithDefault("4000")
    int maxTextLength();

    /** How often the outbox is polled for rows left by a crash or a failed publish. */
    @WithDefault("1s")
    Duration outboxPoll();

    /** Rows published per outbox batch. */
    @WithDefault("500")
    int outboxBatch();

    /**
     * Outbox rows the relay may have sent to Kafka without an ack yet; at this many it waits until they have all
     * been acknowledged (a Kafka outage so holds at most this many sends).
     */
    @WithDefault("1000")
    int outboxWindow();

    /** How often the relay may vacuum the outbox (see {@link #outboxVacuumAfter}). */
    @WithDefault("1s")
    Duration outboxVacuumInterval();

    /** The relay vacuums the outbox (at most once per outbox-vacuum-interval) after publishing this many rows. */
    @WithDefault("500")
    int outboxVacuumAfter();

    /**
     * Rooms whose commands one message-service replica handles at the same time (one transaction each); keep it
     * below the reactive pool's size so REST requests still get connections.
     */
    @WithDefault("12")
    int commandConcurrency();

    /** How often SearchIndexJob merges the search index's pending list (new messages' entries) into the index. */
    @WithDefault("1s")
    Duration searchCleanInterval();

    /** How often the retention job looks for expired messages (rooms with a TTL). */
    @WithDefault("60s")
    Duration retentionInterval();

    /** Messages tombstoned per retention transaction; a run repeats batches until none is left or 20 ran. */
    @WithDefault("500")
    int retentionBatch();
}

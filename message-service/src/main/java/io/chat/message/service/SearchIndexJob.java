package io.chat.message.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Moves the search entries of new messages from the GIN index's pending list into the index, every
 * {@code chat.messages.search-clean-interval} (1 s), off the send path. Left alone, PostgreSQL does it inside whichever
 * insert fills the list ({@code gin_pending_list_limit}, 4 MB): at 2,000 msg/s the list filled about every 31 s, that
 * send batch's insert took ~170 ms, every room behind it waited, and the run's worst second reached 250-290 ms.
 * Turning the list off ({@code fastupdate = off}) avoids that too but makes each insert's index work 2.4 times as
 * expensive (docs/benchmarks.md, tenth round). A clean-up does not block inserts or searches; replicas running it at
 * once wait for each other, the later one finding little left. Autovacuum and autoanalyze empty the list as well.
 */
@ApplicationScoped
public class SearchIndexJob {
    private static final Logger LOG = Logger.getLogger(SearchIndexJob.class);
    /** A failure that repeats every second (the role does not own the index, a standby) is logged this often. */
    private static final long WARN_EVERY_MILLIS = 600_000;

    @Inject
    Pool pool;

    private final Counter cleaned;
    private final Counter failures;
    private volatile long lastWarnMillis;

    @Inject
    public SearchIndexJob(MeterRegistry registry) {
        cleaned = Counter.builder("chat_search_pending_pages_cleaned_total")
                .description("pages of the search index's pending list merged into the index by SearchIndexJob").register(registry);
        failures = Counter.builder("chat_search_clean_failures_total")
                .description("runs of SearchIndexJob that failed (inserts then merge the list themselves)").register(registry);
    }

    @Scheduled(every = "${chat.messages.search-clean-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> clean() {
        // a no-op when the list is empty
        return pool.query("select gin_clean_pending_list('messages_search'::regclass)").execute()
                .invoke(rows -> cleaned.increment(rows.iterator().next().getLong(0)))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    failures.increment();
                    long now = System.currentTimeMillis();
                    if (now - lastWarnMillis >= WARN_EVERY_MILLIS) {
                        lastWarnMillis = now;
                        // 42501: only the index's owner (or a member of its role) may clean it, e.g. when the migrations
                        // ran as another role
                        LOG.warnf("cleaning the search index's pending list failed, retrying every run (logged at most every "
                                + "10 minutes; inserts merge it themselves meanwhile): %s", e.toString());
                    }
                    return null;
                });
    }
}

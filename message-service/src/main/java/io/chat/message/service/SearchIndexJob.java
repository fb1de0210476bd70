package io.chat.message.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Moves the search entries of new messages from the GIN index's pending list into the index, every second, off the
 * send path. Left alone, PostgreSQL does it inside whichever insert fills the list ({@code gin_pending_list_limit},
 * 4 MB): at 2,000 msg/s that send batch took 170-290 ms every 31 s, and every room behind it waited. Turning the
 * list off ({@code fastupdate = off}) avoids that too but makes each insert's index work 2.4 times as expensive
 * (docs/benchmarks.md, tenth round). A clean-up does not block inserts; replicas running it at once wait for each
 * other, the later one finding little left.
 */
@ApplicationScoped
public class SearchIndexJob {
    private static final Logger LOG = Logger.getLogger(SearchIndexJob.class);

    @Inject
    Pool pool;

    private final Counter cleaned;
    private volatile boolean notOwner;

    @Inject
    public SearchIndexJob(MeterRegistry registry) {
        cleaned = Counter.builder("chat_search_pending_pages_cleaned_total")
                .description("pages of the search index's pending list merged into the index by SearchIndexJob").register(registry);
    }

    @Scheduled(every = "${chat.messages.search-clean-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> clean() {
        if (notOwner) {
            return Uni.createFrom().voidItem();
        }
        // a no-op when the list is empty; autovacuum also empties it, the last resort is the insert that fills it
        return pool.query("select gin_clean_pending_list('messages_search'::regclass)").execute()
                .invoke(rows -> cleaned.increment(rows.iterator().next().getLong(0)))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    if (e instanceof PgException pg && "42501".equals(pg.getSqlState())) {
                        // only the index's owner may clean it: a deployment whose migrations ran as another role
                        notOwner = true;
                        LOG.warnf("not cleaning the search index's pending list: the service's database role does not own "
                                + "messages_search (%s); inserts will merge it themselves", pg.getErrorMessage());
                    } else {
                        LOG.warnf("cleaning the search index's pending list failed, will retry: %s", e.toString());
                    }
                    return null;
                });
    }
}

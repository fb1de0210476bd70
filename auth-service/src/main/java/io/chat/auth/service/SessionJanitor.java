package io.chat.auth.service;

import io.chat.auth.repository.Db;
import io.chat.auth.repository.SessionRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Hourly: deletes refresh tokens and sessions past their expiry (no longer needed for reuse detection). */
@ApplicationScoped
public class SessionJanitor {
    private static final Logger LOG = Logger.getLogger(SessionJanitor.class);

    private final Db db;
    private final SessionRepository sessions;
    private ScheduledExecutorService timer;

    public SessionJanitor(Db db, SessionRepository sessions) {
        this.db = db;
        this.sessions = sessions;
    }

    void start(@Observes StartupEvent ev) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "session-janitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                int purged = sessions.purgeExpired(db.pool());
                if (purged > 0) {
                    LOG.infof("purged %d expired sessions and refresh tokens", purged);
                }
            } catch (RuntimeException e) {
                LOG.warnf("purging expired sessions failed: %s", e.getMessage());
            }
        }, 5, 60, TimeUnit.MINUTES);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdown();
        }
    }
}

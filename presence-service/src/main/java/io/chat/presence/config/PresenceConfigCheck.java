package io.chat.presence.config;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;

/** Refuses to start with timings that break the promises of docs/presence-service.md. */
@Startup
@ApplicationScoped
public class PresenceConfigCheck {
    private static final Logger LOG = Logger.getLogger(PresenceConfigCheck.class);

    public PresenceConfigCheck(PresenceConfig config) {
        if (config.lease().compareTo(Duration.ofSeconds(60)) > 0 || config.lease().isNegative() || config.lease().isZero()) {
            throw new IllegalStateException("chat.presence.lease must be within (0, 60s], was " + config.lease());
        }
        if (config.sweepInterval().isZero() || config.sweepInterval().isNegative()) {
            throw new IllegalStateException("chat.presence.sweep-interval must be positive");
        }
        LOG.infof("presence timings: lease %s, offline grace %s, idle %s, typing %s (throttle %s), sweep every %s",
                config.lease(), config.offlineGrace(), config.idleTimeout(), config.typingTimeout(),
                config.typingThrottle(), config.sweepInterval());
    }
}

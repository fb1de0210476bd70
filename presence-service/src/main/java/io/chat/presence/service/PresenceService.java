package io.chat.presence.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.contracts.EventTypes;
import io.chat.contracts.PresenceSignal;
import io.chat.presence.config.PresenceConfig;
import io.chat.presence.messaging.PresenceEventPublisher;
import io.chat.presence.repository.PresenceStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Turns gateway signals into Redis state and, only on a real change of the aggregated status, into
 * presence.changed events. Each signal costs one Redis round trip. The Uni completes once Redis is
 * updated and the events are dispatched; its item completes on Kafka's ack.
 */
@ApplicationScoped
public class PresenceService {
    private static final Logger LOG = Logger.getLogger(PresenceService.class);
    private static final Set<String> SETTABLE = Set.of("online", "away", "dnd");

    private final PresenceStore store;
    private final PresenceEventPublisher publisher;
    private final PresenceConfig config;
    private final TypingService typing;

    public PresenceService(PresenceStore store, PresenceEventPublisher publisher, PresenceConfig config,
            TypingService typing) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        this.typing = typing;
    }

    /**
     * Handles one signal. {@code raw} is the payload as received: it may carry fields the contract
     * record does not have yet (the dnd expiry {@code until}).
     */
    public Uni<CompletionStage<Void>> handle(String type, PresenceSignal s, JsonNode raw) {
        long now = System.currentTimeMillis();
        return switch (type) {
            case EventTypes.SIGNAL_HEARTBEAT -> {
                if (blank(s.gatewayId())) {
                    yield invalid(type, "gatewayId");
                }
                yield store.heartbeat(s.gatewayId(), now + config.lease().toMillis()).replaceWith(PresenceEventPublisher.DONE);
            }
            case EventTypes.SIGNAL_CONNECTED, EventTypes.SIGNAL_ACTIVE -> {
                if (blank(s.userId()) || blank(s.gatewayId()) || blank(s.sessionId())) {
                    yield invalid(type, "userId/gatewayId/sessionId");
                }
                yield store.touch(s.userId(), s.gatewayId(), s.sessionId(), now, idle(), grace(),
                        config.lease().toMillis(), "signal").map(publisher::presenceChanged);
            }
            case EventTypes.SIGNAL_DISCONNECTED -> {
                if (blank(s.userId()) || blank(s.sessionId())) {
                    yield invalid(type, "userId/sessionId");
                }
                yield store.disconnect(s.userId(), s.sessionId(), now, idle(), grace())
                        .map(publisher::presenceChanged);
            }
            case EventTypes.SIGNAL_STATUS_SET -> {
                if (blank(s.userId()) || s.status() == null || !SETTABLE.contains(s.status())) {
                    yield invalid(type, "userId/status");
                }
                long dndUntil = "dnd".equals(s.status()) ? dndUntil(raw, now) : 0;
                yield store.setStatus(s.userId(), s.status(), text(s.text()), dndUntil, now, idle(), grace())
                        .map(publisher::presenceChanged);
            }
            case EventTypes.SIGNAL_TYPING -> typing.onSignal(s);
            default -> Uni.createFrom().item(PresenceEventPublisher.DONE); // unknown types are skipped: producers may add some
        };
    }

    /**
     * The end of dnd: the optional payload field {@code until} (ISO-8601 instant; not in the
     * PresenceSignal record yet), else now + chat.presence.dnd-default-duration, else none (0).
     */
    long dndUntil(JsonNode raw, long now) {
        JsonNode until = raw == null ? null : raw.get("until");
        if (until != null && until.isTextual()) {
            try {
                long t = Instant.parse(until.asText()).toEpochMilli();
                if (t > now) {
                    return t;
                }
            } catch (DateTimeParseException e) {
                LOG.debugf("status.set with an unreadable 'until', using the default");
            }
        }
        long d = config.dndDefaultDuration().toMillis();
        return d > 0 ? now + d : 0;
    }

    private String text(String text) {
        if (text == null) {
            return "";
        }
        String t = text.strip();
        return t.length() > config.statusTextMax() ? t.substring(0, config.statusTextMax()) : t;
    }

    private long idle() {
        return config.idleTimeout().toMillis();
    }

    private long grace() {
        return config.offlineGrace().toMillis();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Uni<CompletionStage<Void>> invalid(String type, String fields) {
        LOG.warnf("skipping a %s signal without %s", type, fields);
        return Uni.createFrom().item(PresenceEventPublisher.DONE);
    }
}

package io.chat.presence.service;

import io.chat.contracts.PresenceSignal;
import io.chat.presence.config.PresenceConfig;
import io.chat.presence.messaging.PresenceEventPublisher;
import io.chat.presence.repository.PresenceStore;
import io.chat.presence.repository.TypingKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.concurrent.CompletionStage;

/**
 * Typing per room: a start (renewals throttled to one event per user and room per
 * chat.presence.typing-throttle), ended by stop, by a message from that user in that room, or by
 * the sweeper after chat.presence.typing-timeout without renewal.
 */
@ApplicationScoped
public class TypingService {
    private static final Logger LOG = Logger.getLogger(TypingService.class);

    private final PresenceStore store;
    private final PresenceEventPublisher publisher;
    private final PresenceConfig config;

    public TypingService(PresenceStore store, PresenceEventPublisher publisher, PresenceConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
    }

    public Uni<CompletionStage<Void>> onSignal(PresenceSignal s) {
        if (s.userId() == null || s.userId().isBlank() || s.room() == null || s.room().isBlank()) {
            LOG.warn("skipping a typing signal without userId/room");
            return Uni.createFrom().item(PresenceEventPublisher.DONE);
        }
        if ("start".equals(s.state())) {
            return store.typingStart(s.room(), s.userId(), System.currentTimeMillis(),
                    config.typingTimeout().toMillis(), config.typingThrottle().toMillis())
                    .map(publish -> publish ? publisher.typingChanged(s.room(), s.userId(), "start") : PresenceEventPublisher.DONE);
        }
        if ("stop".equals(s.state())) {
            return stop(s.room(), s.userId(), "signal");
        }
        LOG.warnf("skipping a typing signal with an unknown state");
        return Uni.createFrom().item(PresenceEventPublisher.DONE);
    }

    /** Ends the typing state of each (room, user) that has one: the senders of a poll's messages, in one round trip. */
    public Uni<CompletionStage<Void>> stopAll(Collection<TypingKey> keys, String source) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(PresenceEventPublisher.DONE);
        }
        return store.typingStopAll(keys, source).map(stopped -> PresenceEventPublisher.all(stopped.stream()
                .map(k -> publisher.typingChanged(k.room(), k.user(), "stop")).toList()));
    }

    /** Ends a typing state if there is one (stop signal, or the user sent a message in the room). */
    public Uni<CompletionStage<Void>> stop(String room, String user, String source) {
        return store.typingStop(room, user, source)
                .map(was -> was ? publisher.typingChanged(room, user, "stop") : PresenceEventPublisher.DONE);
    }
}

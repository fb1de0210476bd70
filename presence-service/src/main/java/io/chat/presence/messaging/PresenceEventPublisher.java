package io.chat.presence.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.PresenceChanged;
import io.chat.contracts.TypingChanged;
import io.chat.presence.repository.PresenceChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Publishes on presence.events, keyed by user id so one user's events stay in order. */
@ApplicationScoped
public class PresenceEventPublisher {
    public static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    private final MutinyEmitter<String> emitter;
    private final ObjectMapper json;
    private final Counter presenceCounter;
    private final Counter typingCounter;

    public PresenceEventPublisher(@Channel("presence-events") MutinyEmitter<String> emitter, ObjectMapper json,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.json = json;
        this.presenceCounter = Counter.builder("chat_presence_events_published").tag("type", EventTypes.PRESENCE_CHANGED)
                .description("Events published on presence.events").register(registry);
        this.typingCounter = Counter.builder("chat_presence_events_published").tag("type", EventTypes.TYPING_CHANGED)
                .description("Events published on presence.events").register(registry);
    }

    /** Dispatches now; the stage completes when Kafka acknowledged (callers await it before committing). */
    public CompletionStage<Void> presenceChanged(PresenceChange c) {
        if (c == null) {
            return DONE;
        }
        presenceCounter.increment();
        return send(c.user(), EventTypes.PRESENCE_CHANGED, new PresenceChanged(c.user(), c.status(), c.text(), c.lastSeen()));
    }

    public CompletionStage<Void> presenceChanged(List<PresenceChange> changes) {
        return all(changes.stream().map(this::presenceChanged).toList());
    }

    public CompletionStage<Void> typingChanged(String room, String user, String state) {
        typingCounter.increment();
        return send(user, EventTypes.TYPING_CHANGED, new TypingChanged(room, user, state));
    }

    /** One stage completing when all of {@code stages} have. */
    public static CompletionStage<Void> all(List<CompletionStage<Void>> stages) {
        if (stages.isEmpty()) {
            return DONE;
        }
        return CompletableFuture.allOf(stages.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Void> send(String key, String type, Object payload) {
        Envelope.Outgoing envelope = Envelope.Outgoing.of(type, payload);
        String value;
        try {
            value = json.writeValueAsString(envelope);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
        // subscribed at once: records leave in dispatch order (one user's events stay ordered), acks are awaited later
        return emitter.sendMessage(Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())).subscribeAsCompletionStage();
    }
}

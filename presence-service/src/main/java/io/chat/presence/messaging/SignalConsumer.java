package io.chat.presence.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.PresenceSignal;
import io.chat.presence.service.PresenceService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * presence.signals from the gateways (key: user id, gateway id for heartbeats). Records come in
 * batches: each one is applied to Redis in order (so one user's signals keep their order), the
 * resulting events are dispatched at once, and the batch completes (offsets are committed) only
 * when Kafka acknowledged all of them. Awaiting each publish alone would cap throughput at one
 * producer round trip per signal.
 */
@ApplicationScoped
public class SignalConsumer {
    private static final Logger LOG = Logger.getLogger(SignalConsumer.class);

    private final ObjectMapper json;
    private final PresenceService presence;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SignalConsumer(ObjectMapper json, PresenceService presence, MeterRegistry registry) {
        this.json = json;
        this.presence = presence;
        this.registry = registry;
    }

    @Incoming("presence-signals")
    public Uni<Void> consume(List<String> values) {
        return Multi.createFrom().iterable(values)
                .onItem().transformToUniAndConcatenate(this::apply)
                .collect().asList()
                .flatMap(sends -> Uni.createFrom().completionStage(PresenceEventPublisher.all(sends)))
                .onFailure().recoverWithItem(t -> {
                    // presence is soft state: a lost event is healed by the next change or by lease expiry
                    LOG.errorf("publishing the events of a signal batch failed: %s", t.toString());
                    return null;
                });
    }

    private Uni<CompletionStage<Void>> apply(String value) {
        Envelope envelope;
        PresenceSignal signal;
        try {
            envelope = json.readValue(value, Envelope.class);
            signal = json.treeToValue(envelope.payload(), PresenceSignal.class);
        } catch (Exception e) {
            LOG.warnf("skipping a malformed presence signal: %s", e.getClass().getSimpleName());
            return Uni.createFrom().item(PresenceEventPublisher.DONE);
        }
        if (envelope.type() == null || signal == null) {
            LOG.warn("skipping a presence signal without type or payload");
            return Uni.createFrom().item(PresenceEventPublisher.DONE);
        }
        count(envelope.type());
        return presence.handle(envelope.type(), signal, envelope.payload())
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(3)
                .onFailure().recoverWithItem(t -> {
                    LOG.errorf("dropping a %s signal after retries: %s", envelope.type(), t.toString());
                    return PresenceEventPublisher.DONE;
                });
    }

    private void count(String type) {
        String tag = switch (type) {
            case "connected", "disconnected", "heartbeat", "active", "typing", "status.set" -> type;
            default -> "other";
        };
        counters.computeIfAbsent(tag, t -> Counter.builder("chat_presence_signals").tag("type", t)
                .description("Signals consumed from presence.signals").register(registry)).increment();
    }
}

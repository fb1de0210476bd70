package io.chat.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/** What every consumer does around its handler: parse the envelope, skip what is malformed, retry what failed. */
final class EventHandling {
    private static final Logger LOG = Logger.getLogger(EventHandling.class);

    private EventHandling() {
    }

    static Uni<Void> handle(ObjectMapper json, String topic, String value, Function<Envelope, Uni<Void>> handler) {
        Envelope envelope = parse(json, topic, value);
        if (envelope == null) {
            return Uni.createFrom().voidItem();
        }
        return retried(topic, envelope.eventId() + " (" + envelope.type() + ")", () -> handler.apply(envelope));
    }

    /** @return the record's envelope, or null (logged) when it is malformed or lacks a type or event id */
    static Envelope parse(ObjectMapper json, String topic, String value) {
        Envelope envelope;
        try {
            envelope = json.readValue(value, Envelope.class);
        } catch (Exception e) {
            LOG.warnf("malformed record on %s skipped: %s", topic, e.getClass().getSimpleName());
            return null;
        }
        if (envelope == null || envelope.type() == null || envelope.eventId() == null) {
            LOG.warnf("record on %s without type or eventId skipped", topic);
            return null;
        }
        return envelope;
    }

    /**
     * Database hiccups: retry a few times, then log and move on rather than stop the consumer. A malformed event
     * ({@link IllegalArgumentException}) would only fail again, so it is not retried. Never fails.
     */
    static Uni<Void> retried(String topic, String what, Supplier<Uni<Void>> work) {
        return withRetries(work, 5)
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf("event %s on %s not processed: %s", what, topic, e.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    /** The work, tried again with back-off up to {@code retries} times unless it failed as malformed. */
    static Uni<Void> withRetries(Supplier<Uni<Void>> work, int retries) {
        return Uni.createFrom().<Void>deferred(work::get)
                .onFailure(e -> !(e instanceof IllegalArgumentException)).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(retries);
    }

    static <T> T payload(ObjectMapper json, Envelope e, Class<T> type) {
        try {
            T value = e.payload() == null || e.payload().isNull() ? null : json.treeToValue(e.payload(), type);
            if (value == null) {
                throw new IllegalArgumentException("no payload");
            }
            return value;
        } catch (Exception ex) {
            // the message names the type only: a parser's message may quote the record's text, which is not logged
            throw new IllegalArgumentException("malformed or missing " + e.type() + " payload", ex);
        }
    }
}

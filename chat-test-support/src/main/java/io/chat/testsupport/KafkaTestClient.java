package io.chat.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.chat.contracts.Envelope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Talks to the real Kafka of the test environment (KAFKA_BOOTSTRAP_SERVERS, set by
 * scripts/infra.sh): produces envelopes as another service would, and waits for the envelopes a
 * service publishes. Each instance reads from the end of its topic with a fresh group.
 */
public class KafkaTestClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final List<Envelope> seen = new ArrayList<>();

    public KafkaTestClient(String... readTopics) {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(), new StringDeserializer());
        if (readTopics.length > 0) {
            consumer.subscribe(List.of(readTopics));
            // join the group and fix positions now, so nothing produced after construction is missed
            long until = System.currentTimeMillis() + 15_000;
            while (consumer.assignment().isEmpty() && System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.assignment().forEach(consumer::position);
        }
    }

    public void send(String topic, String key, String type, Object payload) {
        Envelope envelope = new Envelope(UUID.randomUUID().toString(), type, Instant.now(), Envelope.VERSION,
                JSON.valueToTree(payload));
        sendEnvelope(topic, key, envelope);
    }

    public void sendEnvelope(String topic, String key, Envelope envelope) {
        try {
            producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsString(envelope))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends all records without waiting for each (so they reach consumers in few polls), then waits for every ack. */
    public void sendAll(String topic, List<Map.Entry<String, Envelope>> keyed) {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        try {
            for (Map.Entry<String, Envelope> e : keyed) {
                acks.add(producer.send(new ProducerRecord<>(topic, e.getKey(), JSON.writeValueAsString(e.getValue()))));
            }
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to {@code timeout} for an envelope matching {@code match}; fails the test if none comes. */
    public Envelope await(Duration timeout, Predicate<Envelope> match) {
        long until = System.currentTimeMillis() + timeout.toMillis();
        while (true) {
            for (Envelope e : seen) {
                if (match.test(e)) {
                    seen.remove(e);
                    return e;
                }
            }
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("no matching event within " + timeout + "; saw types "
                        + seen.stream().map(Envelope::type).toList());
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                try {
                    seen.add(JSON.readValue(r.value(), Envelope.class));
                } catch (Exception ignored) {
                    // not an envelope: not ours to check here
                }
            }
        }
    }

    /** Everything received within {@code window}, for asserting that something did NOT happen. */
    public List<Envelope> drain(Duration window) {
        long until = System.currentTimeMillis() + window.toMillis();
        while (System.currentTimeMillis() < until) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                try {
                    seen.add(JSON.readValue(r.value(), Envelope.class));
                } catch (Exception ignored) {
                    // not an envelope
                }
            }
        }
        List<Envelope> all = new ArrayList<>(seen);
        seen.clear();
        return all;
    }

    public static JsonNode payload(Envelope e) {
        return e.payload();
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}

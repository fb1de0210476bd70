package io.chat.presence;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.PresenceSignal;
import io.chat.contracts.Topics;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Not part of the normal test run (surefire only picks *Test classes). Run it with
 * {@code ./mvnw -B -q -pl presence-service verify -Dtest=PresenceBenchmark -Dbench.users=3000}.
 * Produces a realistic signal mix on the real Kafka, waits until the service has handled all of it,
 * and reports signals per second and Redis commands per signal (deltas of INFO commandstats).
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class PresenceBenchmark {
    @Inject
    RedisDataSource redis;
    @Inject
    MeterRegistry registry;

    @Test
    void signalsPerSecondAndRedisCommandsPerSignal() throws Exception {
        int users = Integer.getInteger("bench.users", 3000);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        Map<String, Integer> mix = new TreeMap<>();
        int gateways = 4;
        for (int i = 0; i < users; i++) {
            String u = "bench-" + run + "-" + i, gw = "bench-gw-" + run + "-" + (i % gateways), room = "bench-room-" + run + "-" + (i % 50);
            add(records, mix, u, EventTypes.SIGNAL_CONNECTED, new PresenceSignal(u, gw, "s", null, null, null, null, null));
            add(records, mix, u, EventTypes.SIGNAL_ACTIVE, new PresenceSignal(u, gw, "s", null, null, null, null, null));
            add(records, mix, u, EventTypes.SIGNAL_TYPING, new PresenceSignal(u, null, null, null, null, null, room, "start"));
            add(records, mix, u, EventTypes.SIGNAL_TYPING, new PresenceSignal(u, null, null, null, null, null, room, "start"));
            add(records, mix, u, EventTypes.SIGNAL_TYPING, new PresenceSignal(u, null, null, null, null, null, room, "stop"));
            add(records, mix, u, EventTypes.SIGNAL_STATUS_SET, new PresenceSignal(u, null, "s", null, "away", null, null, null));
            add(records, mix, u, EventTypes.SIGNAL_DISCONNECTED, new PresenceSignal(u, gw, "s", null, null, null, null, null));
            if (i % 10 == 0) { // gateways beat every 10 s; with ~10 000 sockets each that is about this ratio
                add(records, mix, gw, EventTypes.SIGNAL_HEARTBEAT, new PresenceSignal(null, gw, null, null, null, null, null, null));
            }
        }
        int n = records.size();
        Map<String, Long> before = commandStats();
        double signalsBefore = counterSum("chat_presence_signals");
        double tripsBefore = registry.find("chat_presence_redis_roundtrips").tag("source", "signal").counter().count();
        double eventsBefore = counterSum("chat_presence_events_published");

        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
        long produced = System.nanoTime();
        long deadline = System.currentTimeMillis() + 300_000;
        while (counterSum("chat_presence_signals") - signalsBefore < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(50); // the last signal was counted when it started; let it finish
        long done = System.nanoTime();
        Map<String, Long> after = commandStats();

        double seconds = (done - start) / 1e9;
        double handled = counterSum("chat_presence_signals") - signalsBefore;
        double trips = registry.find("chat_presence_redis_roundtrips").tag("source", "signal").counter().count() - tripsBefore;
        double events = counterSum("chat_presence_events_published") - eventsBefore;
        long totalCalls = 0;
        Map<String, Long> delta = new TreeMap<>();
        for (var e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                delta.put(e.getKey(), d);
                totalCalls += d;
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format("signals: %d (%s)%n", n, mix));
        report.append(String.format("produced in %.2f s, all handled after %.2f s: %.0f signals/s%n",
                (produced - start) / 1e9, seconds, handled / seconds));
        report.append(String.format("Redis round trips per signal (service counter): %.3f%n", trips / handled));
        report.append(String.format("Redis commands per signal (INFO commandstats delta, incl. commands inside scripts, sweeps and any other client): %.2f%n",
                totalCalls / handled));
        report.append(String.format("commandstats delta: %s%n", delta));
        report.append(String.format("events published: %.0f (%.3f per signal)%n", events, events / handled));
        System.out.println("=== presence benchmark ===\n" + report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "presence-benchmark.txt"), report);
        assertEquals(n, handled, 0.5, "every produced signal was handled");
    }

    private static void add(List<ProducerRecord<String, String>> records, Map<String, Integer> mix, String key, String type,
            PresenceSignal signal) throws Exception {
        Envelope e = new Envelope(UUID.randomUUID().toString(), type, Instant.now(), Envelope.VERSION,
                KafkaTestClient.JSON.valueToTree(signal));
        records.add(new ProducerRecord<>(Topics.PRESENCE_SIGNALS, key, KafkaTestClient.JSON.writeValueAsString(e)));
        mix.merge(type, 1, Integer::sum);
    }

    private double counterSum(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private Map<String, Long> commandStats() {
        Map<String, Long> out = new TreeMap<>();
        for (String line : redis.execute("INFO", "commandstats").toString().split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring(8, line.indexOf(':'));
                String calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
                out.put(name, Long.parseLong(calls));
            }
        }
        return out;
    }
}

package io.chat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How fast this machine is, so that runs on different machines of the same kind can be compared: the same VM type
 * has been 20 % to 2x slower from one machine to the next (docs/benchmarks.md), which is larger than most changes
 * a round measures. Two fixed single-thread workloads, run before the scenario while the system is idle: parsing
 * and writing a chat event with Jackson (what every stage does per message) and SHA-256 (plain integer work). Each
 * is warmed up, then timed three times; the best of three is reported, as other processes can only make it slower.
 * Also the machine-wide CPU split from {@code /proc/stat}, whose "steal" is the time the hypervisor gave to others.
 */
public final class MachineSpeed {
    private static final String EVENT = """
            {"type":"message.created","room":"r_01JE8Q7W3M7ZQ4K2","seq":48213,"msgId":"m_01JE8Q7W3M7ZQ4K2X9",\
            "sender":"u_01JE8Q5R1B2C3D4E","clientMsgId":"bench-7f3a-48213","text":"bench 7f3a 48213 \u00e9t\u00e9",\
            "replyTo":null,"threadRoot":null,"ts":"2026-12-07T06:40:39.123Z","mentions":[],"edited":false}""";
    private static final long WARMUP_NANOS = 400_000_000L;
    private static final long ROUND_NANOS = 300_000_000L;
    /** Keeps the work from being optimised away. */
    private static volatile long sink;

    public record Speed(double jsonPerSecond, double sha256MiBPerSecond) {
        public String describe() {
            return String.format(Locale.ROOT, "%.0f k JSON events parsed and written/s, SHA-256 %.0f MiB/s", jsonPerSecond / 1000,
                    sha256MiBPerSecond);
        }
    }

    /** About 2.5 s on one thread. */
    public static Speed measure() {
        byte[] event = EVENT.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[16 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Work json = () -> {
            try {
                JsonNode tree = Frame.JSON.readTree(event);
                sink += Frame.JSON.writeValueAsBytes(tree).length;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        Work hash = () -> {
            sha.update(block);
            sink += sha.digest()[0];
        };
        return new Speed(best(json), best(hash) * block.length / (1024.0 * 1024.0));
    }

    private interface Work {
        void run();
    }

    /** Operations per second, the best of three timed rounds after a warm-up. */
    private static double best(Work work) {
        run(work, WARMUP_NANOS);
        double best = 0;
        for (int i = 0; i < 3; i++) {
            best = Math.max(best, run(work, ROUND_NANOS));
        }
        return best;
    }

    private static double run(Work work, long nanos) {
        long start = System.nanoTime();
        long end = start + nanos;
        long ops = 0;
        long now;
        do {
            for (int i = 0; i < 64; i++) {
                work.run();
            }
            ops += 64;
        } while ((now = System.nanoTime()) < end);
        return ops / ((now - start) / 1e9);
    }

    /** The machine-wide CPU counters of /proc/stat's "cpu" line, in ticks; null without /proc. */
    public record Ticks(long user, long system, long irq, long idle, long steal) {
        long total() {
            return user + system + irq + idle + steal;
        }
    }

    public static Ticks ticks() {
        try {
            return parse(Files.readString(Path.of("/proc/stat")));
        } catch (IOException e) {
            return null;
        }
    }

    static Ticks parse(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                try {
                    String[] f = line.trim().split("\\s+");
                    // user nice system idle iowait irq softirq steal (guest time is already in user)
                    return new Ticks(Long.parseLong(f[1]) + Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[6]) + Long.parseLong(f[7]), Long.parseLong(f[4]) + Long.parseLong(f[5]),
                            f.length > 8 ? Long.parseLong(f[8]) : 0);
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The split between two readings, in percent of all cores; empty if either is missing. */
    public static Map<String, Double> split(Ticks a, Ticks b) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (a == null || b == null || b.total() <= a.total()) {
            return out;
        }
        double total = b.total() - a.total();
        out.put("user", 100 * (b.user() - a.user()) / total);
        out.put("system", 100 * (b.system() - a.system()) / total);
        out.put("irq", 100 * (b.irq() - a.irq()) / total);
        out.put("stolen", 100 * (b.steal() - a.steal()) / total);
        out.put("idle", 100 * (b.idle() - a.idle()) / total);
        return out;
    }

    public static String describe(Map<String, Double> split) {
        if (split.isEmpty()) {
            return "unknown (no /proc/stat)";
        }
        return String.format(Locale.ROOT, "busy %.0f %% (user %.0f, system %.0f, irq %.0f), stolen %.1f %%, idle %.0f %%",
                split.get("user") + split.get("system") + split.get("irq"), split.get("user"), split.get("system"), split.get("irq"),
                split.get("stolen"), split.get("idle"));
    }
}

package io.chat.loadtest;

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
 * has differed by 20 % and more in CPU per message from one machine to the next (docs/benchmarks.md), more than most
 * changes a round measures. Two fixed single-thread workloads, run before the scenario while the system is idle:
 * tokenising a chat event's JSON text byte by byte (branchy integer code, as in the parsers every stage runs per
 * message) and SHA-256 (which the JDK runs with the CPU's SHA instructions where it has them). Neither allocates:
 * a first version that parsed and wrote the event with Jackson swung between 104 k and 498 k per second on one
 * machine, with the collector and the JIT's progress. Each is warmed up, then timed in 15 rounds; the best round is
 * reported, as other processes can only make it slower. On one machine, fresh JVMs gave the tokeniser within about
 * ±25 % and SHA-256 within ±5 % (docs/benchmarks.md): compare machines by the second, and by the first only when
 * they differ by more than that.
 * Also the machine-wide CPU split from {@code /proc/stat}, whose "steal" is the time the hypervisor gave to others.
 */
public final class MachineSpeed {
    private static final byte[] EVENT = """
            {"type":"message.created","room":"r_01JE8Q7W3M7ZQ4K2","seq":48213,"msgId":"m_01JE8Q7W3M7ZQ4K2X9",\
            "sender":"u_01JE8Q5R1B2C3D4E","clientMsgId":"bench-7f3a-48213","text":"bench 7f3a 48213",\
            "replyTo":null,"threadRoot":null,"ts":"2026-12-07T06:40:39.123Z","mentions":[],"edited":false}\
            """.getBytes(StandardCharsets.UTF_8);
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final long ROUND_NANOS = 100_000_000L;
    private static final int ROUNDS = 15;
    /** Keeps the work from being optimised away. */
    private static volatile long sink;

    public record Speed(double eventsPerSecond, double sha256MiBPerSecond) {
        public String describe() {
            return String.format(Locale.ROOT, "%.0f k events tokenised/s, SHA-256 %.0f MiB/s", eventsPerSecond / 1000,
                    sha256MiBPerSecond);
        }
    }

    /** About 4 s on one thread. */
    public static Speed measure() {
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
        double events = 0;
        double blocks = 0;
        // many short calls rather than one long one: the JIT then compiles the methods whole, not only their loops
        // (on-stack replacement); after one long call the first measurement in a JVM was up to 40 % below later ones
        for (int i = 0; i < 20; i++) {
            tokenise(WARMUP_NANOS / 20);
            hash(sha, block, WARMUP_NANOS / 20);
        }
        for (int i = 0; i < ROUNDS; i++) {
            events = Math.max(events, tokenise(ROUND_NANOS));
            blocks = Math.max(blocks, hash(sha, block, ROUND_NANOS));
        }
        return new Speed(events, blocks * block.length / (1024.0 * 1024.0));
    }

    /** Events per second: each byte goes into an FNV-1a hash, which each token's end folds into the result. */
    private static double tokenise(long nanos) {
        long start = System.nanoTime();
        long end = start + nanos;
        long ops = 0;
        long acc = 0;
        long now;
        do {
            for (int n = 0; n < 64; n++) {
                int h = 0x811C9DC5;
                for (byte b : EVENT) {
                    if (b == '"' || b == ',' || b == ':' || b == '{' || b == '}' || b == '[' || b == ']') {
                        acc += h ^ (h >>> 16);
                        h = 0x811C9DC5;
                    } else {
                        h = (h ^ b) * 0x01000193;
                    }
                }
            }
            ops += 64;
        } while ((now = System.nanoTime()) < end);
        sink += acc;
        return ops / ((now - start) / 1e9);
    }

    /** 16 KiB blocks hashed per second. */
    private static double hash(MessageDigest sha, byte[] block, long nanos) {
        long start = System.nanoTime();
        long end = start + nanos;
        long ops = 0;
        long acc = 0;
        long now;
        do {
            for (int n = 0; n < 8; n++) {
                sha.update(block);
                acc += sha.digest()[0];
            }
            ops += 8;
        } while ((now = System.nanoTime()) < end);
        sink += acc;
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

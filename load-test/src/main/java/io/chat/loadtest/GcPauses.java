package io.chat.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stop-the-world garbage-collection pauses of the system's JVMs over a run, as the JVMs count them themselves, read
 * with the JDK's {@code jstat -gc}: collections (young, full and, for G1, the remark and cleanup pauses of its
 * concurrent cycles) and the seconds paused. A pause of a service on the message path is latency for every message
 * that waits on it; Micrometer's {@code jvm_gc_pause} would leave G1's remark pauses out (it counts them as concurrent).
 */
public final class GcPauses {
    /** What one JVM had counted at one instant. */
    public record Totals(long collections, double seconds) {
    }

    /** What one JVM paused between two snapshots. */
    public record Pauses(String name, long pid, long collections, double millis) {
    }

    public record Snapshot(Map<Long, String> names, Map<Long, Totals> totals) {
    }

    private GcPauses() {
    }

    /** jstat is a JVM of its own, so snapshots are taken just outside the measured window, one JVM after another. */
    public static Snapshot snapshot(Map<Long, String> jvms) {
        Map<Long, Totals> totals = new LinkedHashMap<>();
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        if (Files.isExecutable(jstat)) {
            jvms.keySet().forEach(pid -> {
                Totals t = parse(run(jstat, pid));
                if (t != null) {
                    totals.put(pid, t);
                }
            });
        }
        return new Snapshot(jvms, totals);
    }

    /** The JVMs seen in both snapshots, the longest paused first. */
    public static List<Pauses> between(Snapshot a, Snapshot b) {
        List<Pauses> out = new ArrayList<>();
        b.totals().forEach((pid, t1) -> {
            Totals t0 = a.totals().get(pid);
            if (t0 != null) {
                out.add(new Pauses(b.names().getOrDefault(pid, String.valueOf(pid)), pid, t1.collections() - t0.collections(),
                        (t1.seconds() - t0.seconds()) * 1000));
            }
        });
        out.sort(Comparator.comparingDouble(Pauses::millis).reversed());
        return out;
    }

    /**
     * {@code jstat -gc} prints a header and one line of values; the collectors it does not have (the parallel
     * collector's concurrent cycles) are "-".
     *
     * @return null when the output is not that (the process ended, jstat could not attach)
     */
    static Totals parse(String output) {
        String[] lines = output == null ? new String[0] : output.strip().split("\\R");
        if (lines.length < 2) {
            return null;
        }
        String[] header = lines[0].trim().split("\\s+");
        String[] values = lines[lines.length - 1].trim().split("\\s+");
        if (header.length != values.length) {
            return null;
        }
        long collections = 0;
        double seconds = -1;
        for (int i = 0; i < header.length; i++) {
            String v = values[i];
            switch (header[i]) {
                case "YGC", "FGC", "CGC" -> collections += v.equals("-") ? 0 : Long.parseLong(v);
                case "GCT" -> seconds = Double.parseDouble(v);
                default -> { }
            }
        }
        return seconds < 0 ? null : new Totals(collections, seconds);
    }

    private static String run(Path jstat, long pid) {
        try {
            Process p = new ProcessBuilder(jstat.toString(), "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
            // two short lines fit the pipe's buffer, so waiting before reading cannot block jstat, and the timeout holds
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

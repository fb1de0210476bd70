package io.chat.loadtest;

import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a run measures, safe to record from any thread: latency histograms in microseconds (HdrHistogram,
 * 3 significant digits, up to one hour), per-second counters and error counts by code.
 */
public final class Stats {
    public static final long MAX_MICROS = 3_600_000_000L;
    private static final int MAX_SECONDS = 4 * 3600;

    private final long originNanos;
    private final Map<String, AtomicHistogram> histograms = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> series = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> worst = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    public Stats(long originNanos) {
        this.originNanos = originNanos;
    }

    public static Histogram newHistogram() {
        return new AtomicHistogram(MAX_MICROS, 3);
    }

    public Histogram histogram(String name) {
        return histograms.computeIfAbsent(name, n -> new AtomicHistogram(MAX_MICROS, 3));
    }

    /** Records a latency given in nanoseconds (clamped to the histogram's range, never below 0). */
    public static void recordNanos(Histogram h, long nanos) {
        h.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    /** One event in the per-second series {@code name}, at the time {@code nowNanos} (System.nanoTime). */
    public void tick(String name, long nowNanos) {
        int second = (int) ((nowNanos - originNanos) / 1_000_000_000L);
        if (second >= 0 && second < MAX_SECONDS) {
            series.computeIfAbsent(name, n -> new AtomicLongArray(MAX_SECONDS)).incrementAndGet(second);
        }
    }

    /**
     * The largest {@code value} seen in each second of the series {@code name}, at the time {@code atNanos}: the worst
     * latency by second shows whether a tail is spread over the run or a few stalls.
     */
    public void worst(String name, long atNanos, long value) {
        int second = secondOf(atNanos);
        if (second >= 0 && second < MAX_SECONDS) {
            worst.computeIfAbsent(name, n -> new AtomicLongArray(MAX_SECONDS)).accumulateAndGet(second, value, Math::max);
        }
    }

    public void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    public void count(String name) {
        counters.computeIfAbsent(name, c -> new LongAdder()).increment();
    }

    public long counter(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    public long errorCount(String code) {
        LongAdder a = errors.get(code);
        return a == null ? 0 : a.sum();
    }

    public long totalErrors() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public Map<String, Histogram> histograms() {
        return new TreeMap<>(histograms);
    }

    /** Per-second series trimmed to the seconds [from, to). */
    public Map<String, long[]> series(int from, int to) {
        return trimmed(series, from, to);
    }

    /** The {@link #worst} series trimmed to the seconds [from, to). */
    public Map<String, long[]> worstSeries(int from, int to) {
        return trimmed(worst, from, to);
    }

    private static Map<String, long[]> trimmed(Map<String, AtomicLongArray> all, int from, int to) {
        Map<String, long[]> out = new TreeMap<>();
        all.forEach((k, v) -> {
            long[] a = new long[Math.max(0, to - from)];
            long sum = 0;
            for (int i = 0; i < a.length && from + i >= 0 && from + i < MAX_SECONDS; i++) {
                a[i] = v.get(from + i);
                sum += a[i];
            }
            if (sum > 0) { // a series with nothing in the window (e.g. connects before it) is left out
                out.put(k, a);
            }
        });
        return out;
    }

    public int secondOf(long nanos) {
        return (int) ((nanos - originNanos) / 1_000_000_000L);
    }

    public long originNanos() {
        return originNanos;
    }
}

package io.chat.loadtest;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepScenarioTest {
    private static SweepScenario.Run run(double rate, int i, double p99, boolean correct) {
        return new SweepScenario.Run(rate, i, p99 / 4, p99, p99 * 2, correct, 80, Path.of("r" + rate + "-" + i));
    }

    @Test
    void theMedianOfAnEvenCountIsTheHigherMiddleValue() {
        assertEquals(40, SweepScenario.median(new double[] {90, 40, 10}));
        assertEquals(60, SweepScenario.median(new double[] {10, 60, 40, 90}));
        assertEquals(7, SweepScenario.median(new double[] {7}));
        assertTrue(Double.isNaN(SweepScenario.median(new double[0])));
    }

    @Test
    void theHighestRateIsTheOneWhoseMedianRunMeetsTheTarget() {
        List<Double> rates = List.of(500.0, 1000.0, 2000.0);
        List<SweepScenario.Run> runs = List.of(
                run(500, 1, 30, true), run(500, 2, 80, true), run(500, 3, 25, true),      // median 30: meets
                run(1000, 1, 45, true), run(1000, 2, 49, true), run(1000, 3, 120, true),  // median 49: meets
                run(2000, 1, 40, true), run(2000, 2, 95, true), run(2000, 3, 150, true)); // median 95: misses
        List<SweepScenario.Rate> grouped = SweepScenario.byRate(rates, runs);
        assertEquals(3, grouped.size());
        assertEquals(49, grouped.get(1).medianP99());
        assertEquals(45, grouped.get(1).minP99());
        assertEquals(120, grouped.get(1).maxP99());
        assertEquals(1000.0, SweepScenario.highestMeeting(grouped, 50));
        assertEquals(500.0, SweepScenario.highestMeeting(grouped, 45)); // 49 is not below 45
        assertNull(SweepScenario.highestMeeting(grouped, 20));
    }

    @Test
    void aRateWithARunThatLostMessagesNeverMeetsTheTarget() {
        List<SweepScenario.Rate> grouped = SweepScenario.byRate(List.of(500.0, 1000.0),
                List.of(run(500, 1, 20, true), run(1000, 1, 20, true), run(1000, 2, 20, false)));
        assertEquals(500.0, SweepScenario.highestMeeting(grouped, 50));
    }

    @Test
    void theResultHasACurveAndAChecksPerRunAndForTheTopRate() {
        List<Double> rates = List.of(500.0, 1000.0);
        List<SweepScenario.Run> runs = List.of(run(500, 1, 30, true), run(1000, 1, 70, true));
        Map<Double, Histogram> merged = new LinkedHashMap<>();
        for (double rate : rates) {
            Histogram h = Stats.newHistogram();
            Stats.recordNanos(h, 5_000_000);
            merged.put(rate, h);
        }
        Result r = SweepScenario.result(new Result("sweep"), rates, 1, 50, runs, merged);
        assertEquals("500 msg/s", r.summary.get("highest rate at p99 < 50 ms (median)"));
        assertTrue(r.checks.get("every run: all answered, no errors, zero loss, duplicates and order violations"));
        assertFalse(r.checks.get("target: median p99 < 50 ms at 1000 msg/s"));
        assertEquals(2, r.latencies.size());
        assertTrue(r.latencies.containsKey("send → delivered at 1000 msg/s (1 runs merged)"));
        assertTrue(String.valueOf(r.summary.get("1000 msg/s")).startsWith("p99 median 70.0 ms (runs: 70.0)"));
    }

    @Test
    void ratesMustBePositiveNumbersGivenOnce() {
        assertEquals(List.of(500.0, 1500.0), SweepScenario.rates("500, 1500"));
        assertThrows(IllegalArgumentException.class, () -> SweepScenario.rates(""));
        assertThrows(IllegalArgumentException.class, () -> SweepScenario.rates("500,abc"));
        assertThrows(IllegalArgumentException.class, () -> SweepScenario.rates("0"));
        assertThrows(IllegalArgumentException.class, () -> SweepScenario.rates("500,500"));
    }

    @Test
    void aChatRunsFiguresComeFromItsDeliveredHistogramAndItsChecks() {
        Result chat = new Result("chat");
        Histogram h = Stats.newHistogram();
        for (int ms = 1; ms <= 100; ms++) {
            Stats.recordNanos(h, ms * 1_000_000L);
        }
        chat.latencies.put(SweepScenario.DELIVERED, h);
        chat.checks.put("zero loss", true);
        chat.checks.put("target: send → delivered p99 < 50 ms", false); // the target is not what "correct" means
        chat.machineCpu.put("idle", 12.5);
        SweepScenario.Run run = SweepScenario.run(1000, 2, chat, Path.of("x"));
        assertEquals(99, run.p99(), 1);
        assertEquals(50, run.p50(), 1);
        assertEquals(100, run.max(), 1);
        assertEquals(87.5, run.busyPercent(), 1e-9);
        assertTrue(run.correct());
        chat.checks.put("zero duplicates", false);
        assertFalse(SweepScenario.run(1000, 2, chat, Path.of("x")).correct());
    }
}

package io.chat.loadtest;

import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Scenario {@code sweep}: the chat scenario at each of several rates, each rate run several times, in one load
 * generator. Near capacity one run's p99 says little here (the same code gave p99 71–264 ms at 2,000 msg/s in one
 * session, docs/benchmarks.md), so a latency target is judged on the median of repeated runs, and the sweep reports
 * the highest rate whose median p99 meets it. Every run is a whole chat run with its own rooms, sockets and report
 * folder; only the load generator's JVM is shared. Its JIT took 2.5–3.8 s of CPU in each run's first seconds when
 * every run started it anew, so the sweep begins with {@code --warm-up-runs} runs at the first rate that are reported
 * but not counted.
 */
final class SweepScenario implements Bench.Scenario {
    static final String DELIVERED = "send → delivered (every recipient)";

    /** One chat run's figures, in milliseconds. */
    record Run(double rate, int repeat, double p50, double p99, double max, boolean correct, double busyPercent, Path dir) {
    }

    /** The runs of one rate: the median and the range of their p99, the median of their p50. */
    record Rate(double rate, List<Run> runs, double medianP50, double medianP99, double minP99, double maxP99, boolean correct) {
        boolean meets(double targetMs) {
            return correct && medianP99 < targetMs;
        }
    }

    @Override
    public Result run(Bench.Ctx ctx) throws Exception {
        Options o = ctx.opts;
        List<Double> rates = rates(o.str("rates", ""));
        int repeat = o.integer("repeat", 3);
        double targetMs = o.dbl("target-p99-ms", 50);
        int pause = o.integer("pause", 5);
        int warmUpRuns = o.integer("warm-up-runs", 1);
        if (repeat < 1 || warmUpRuns < 0) {
            throw new IllegalArgumentException("--repeat must be at least 1, --warm-up-runs at least 0");
        }
        if (o.flag("profile", false)) {
            throw new IllegalArgumentException("--profile is for single chat runs: a profiled run's latencies are not comparable");
        }
        Result sweep = new Result("sweep"); // now, so that its folder and startedAt are the sweep's start
        List<Run> runs = new ArrayList<>();
        Map<Double, Histogram> merged = new LinkedHashMap<>();
        for (int i = 1; i <= warmUpRuns; i++) {
            String label = "warm-up run " + i + " of " + warmUpRuns + " at " + num(rates.get(0)) + " msg/s, not counted";
            Run run = chatRun(ctx, rates.get(0), 0, label).run();
            sweep.notes.add(label + ": " + line(run));
            System.out.println(label + ": " + line(run));
            Bench.sleep(pause * 1000L);
        }
        for (double rate : rates) {
            for (int i = 1; i <= repeat; i++) {
                Counted counted = chatRun(ctx, rate, i, String.format(Locale.ROOT, "%s msg/s, run %d of %d", num(rate), i, repeat));
                runs.add(counted.run());
                Histogram h = counted.chat().latencies.get(DELIVERED);
                if (h != null) {
                    merged.computeIfAbsent(rate, k -> Stats.newHistogram()).add(h);
                }
                System.out.println(line(counted.run()));
                Bench.sleep(pause * 1000L); // the last run's leaves and vacuums, before the next run's rooms
            }
        }
        return result(sweep, rates, repeat, targetMs, runs, merged);
    }

    private record Counted(Run run, Result chat) {
    }

    /** One whole chat run, written to its own folder like a run of its own. */
    private static Counted chatRun(Bench.Ctx ctx, double rate, int repeat, String label) throws Exception {
        ctx.progress.phase("sweep: " + label);
        String loadAtStart = SystemProbe.loadAverage();
        Result chat = new ChatScenario().run(ctx, rate);
        chat.options.put("rate", num(rate));
        chat.options.put("sweep run", label);
        Path dir = Bench.finish(chat, ctx.opts, ctx.url, ctx.out, loadAtStart, ctx.speed);
        return new Counted(run(rate, repeat, chat, dir), chat);
    }

    static Run run(double rate, int repeat, Result chat, Path dir) {
        Histogram h = chat.latencies.get(DELIVERED);
        boolean correct = chat.checks.entrySet().stream().filter(e -> !e.getKey().startsWith("target:")).allMatch(Map.Entry::getValue);
        double idle = chat.machineCpu.getOrDefault("idle", Double.NaN);
        return new Run(rate, repeat, ms(h, 50), ms(h, 99), h == null || h.getTotalCount() == 0 ? Double.NaN : Report.ms(h.getMaxValue()),
                correct, 100 - idle, dir);
    }

    private static double ms(Histogram h, double percentile) {
        return h == null || h.getTotalCount() == 0 ? Double.NaN : Report.ms(h.getValueAtPercentile(percentile));
    }

    /** The runs grouped by rate, in the order the rates were given. */
    static List<Rate> byRate(List<Double> rates, List<Run> runs) {
        List<Rate> out = new ArrayList<>();
        for (double rate : rates) {
            List<Run> of = runs.stream().filter(r -> r.rate() == rate).toList();
            if (of.isEmpty()) {
                continue;
            }
            double[] p99 = of.stream().mapToDouble(Run::p99).toArray();
            out.add(new Rate(rate, of, median(of.stream().mapToDouble(Run::p50).toArray()), median(p99),
                    Arrays.stream(p99).min().orElse(Double.NaN), Arrays.stream(p99).max().orElse(Double.NaN),
                    of.stream().allMatch(Run::correct)));
        }
        return out;
    }

    /**
     * The middle value; of an even count the higher of the two middle ones, so that a target is never met by an
     * average of a run that met it and one that did not. NaN (a run without deliveries) sorts last.
     */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[values.length / 2];
    }

    /** @return the highest rate whose runs were all correct and whose median p99 met the target, or null */
    static Double highestMeeting(List<Rate> rates, double targetMs) {
        return rates.stream().filter(r -> r.meets(targetMs)).map(Rate::rate).max(Double::compare).orElse(null);
    }

    static Result result(Result r, List<Double> rates, int repeat, double targetMs, List<Run> runs, Map<Double, Histogram> merged) {
        List<Rate> grouped = byRate(rates, runs);
        r.put("rates x runs", rates.stream().map(SweepScenario::num).collect(Collectors.joining(", ")) + " msg/s, " + repeat
                + " runs each (every run a whole chat run, its report in its own folder; warm-up runs not counted)");
        for (Rate g : grouped) {
            r.put(num(g.rate()) + " msg/s", String.format(Locale.ROOT,
                    "p99 median %.1f ms (runs: %s), p50 median %.1f ms, machine busy %s%s", g.medianP99(),
                    g.runs().stream().map(x -> String.format(Locale.ROOT, "%.1f", x.p99())).collect(Collectors.joining(", ")),
                    g.medianP50(), g.runs().stream().map(x -> String.format(Locale.ROOT, "%.0f", x.busyPercent()))
                            .collect(Collectors.joining("/")) + " %", g.correct() ? "" : "; A RUN LOST, REPEATED OR REORDERED MESSAGES"));
        }
        Double best = highestMeeting(grouped, targetMs);
        r.put(String.format(Locale.ROOT, "highest rate at p99 < %s ms (median)", num(targetMs)),
                best == null ? "none of the rates tried" : num(best) + " msg/s");
        merged.forEach((rate, h) -> r.latencies.put("send → delivered at " + num(rate) + " msg/s (" + repeat + " runs merged)", h));
        r.checks.put("every run: all answered, no errors, zero loss, duplicates and order violations",
                !runs.isEmpty() && runs.stream().allMatch(Run::correct));
        double top = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        r.checks.put(String.format(Locale.ROOT, "target: median p99 < %s ms at %s msg/s", num(targetMs), num(top)),
                grouped.stream().anyMatch(g -> g.rate() == top && g.meets(targetMs)));
        runs.forEach(x -> r.notes.add(line(x)));
        r.notes.add("each run's p99 is of every delivery of that run after its warm-up; the merged curves pool a rate's runs");
        return r;
    }

    static String line(Run x) {
        return String.format(Locale.ROOT, "sweep %s msg/s run %d: p50 %.1f, p99 %.1f, max %.1f ms, busy %.0f %%, %s: %s",
                num(x.rate()), x.repeat(), x.p50(), x.p99(), x.max(), x.busyPercent(),
                x.correct() ? "all delivered once, in order" : "NOT ALL CORRECT", x.dir());
    }

    static List<Double> rates(String list) {
        if (list.isBlank()) {
            throw new IllegalArgumentException("sweep needs --rates, e.g. --rates 500,1000,1500,2000");
        }
        List<Double> out = new ArrayList<>();
        for (String part : list.split(",")) {
            double rate;
            try {
                rate = Double.parseDouble(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rates: '" + part.trim() + "' is not a number");
            }
            if (!(rate > 0)) {
                throw new IllegalArgumentException("--rates: every rate must be above 0, not " + part.trim());
            }
            if (out.contains(rate)) {
                throw new IllegalArgumentException("--rates: " + part.trim() + " is given twice");
            }
            out.add(rate);
        }
        return out;
    }

    static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

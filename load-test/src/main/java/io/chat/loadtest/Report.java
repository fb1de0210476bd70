package io.chat.loadtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Result}: {@code result.json}, a self-contained {@code report.html} (inline SVG, no script, no
 * external resource: the network is closed) and the one-screen console summary.
 */
public final class Report {
    /** Percentiles shown in tables and the JSON. */
    static final double[] TABLE = {50, 90, 99, 99.9};
    static final String GC_WINDOW =
            "stop-the-world, as each JVM counts them (jstat -gc), from just before sending to the end of the drain";
    /** Percentiles sampled for the distribution plot (x axis: log10(1/(1-p))). */
    static final double[] PLOT = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25,
            99.5, 99.75, 99.9, 99.95, 99.975, 99.99, 99.995, 99.999};
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"};

    private Report() {
    }

    /** The run's own folder under {@code baseDir}: {@code <scenario>-<start time>}. */
    public static Path dir(Result r, Path baseDir) {
        String stamp = r.startedAt.toString().replace(":", "").replaceAll("\\.\\d+", "");
        return baseDir.resolve(r.scenario + "-" + stamp);
    }

    public static Path write(Result r, Path baseDir) throws IOException {
        Path dir = dir(r, baseDir);
        Files.createDirectories(dir);
        Frame.JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("result.json").toFile(), json(r));
        Files.writeString(dir.resolve("report.html"), html(r));
        return dir;
    }

    static double ms(long micros) {
        return micros / 1000.0;
    }

    // ---------------------------------------------------------------- JSON

    public static ObjectNode json(Result r) {
        ObjectNode root = Frame.JSON.createObjectNode();
        root.put("scenario", r.scenario);
        root.put("gateway", r.gateway);
        root.put("startedAt", r.startedAt.toString());
        root.put("finishedAt", r.finishedAt == null ? null : r.finishedAt.toString());
        root.set("options", Frame.JSON.valueToTree(r.options));
        root.set("machine", Frame.JSON.valueToTree(r.machine));
        root.set("summary", Frame.JSON.valueToTree(r.summary));
        ObjectNode checks = root.putObject("checks");
        r.checks.forEach(checks::put);
        ObjectNode lat = root.putObject("latenciesMs");
        r.latencies.forEach((name, h) -> lat.set(name, histogramJson(h)));
        seriesJson(root.putObject("perSecond"), r.throughput);
        seriesJson(root.putObject("worstPerSecondMs"), r.worstPerSecondMs);
        root.set("errors", Frame.JSON.valueToTree(r.errors));
        ObjectNode cpu = root.putObject("cpu");
        cpu.put("window", r.cpuWindow);
        cpu.set("machinePercentOfAllCores", Frame.JSON.valueToTree(r.machineCpu));
        ArrayNode procs = cpu.putArray("processes");
        for (SystemProbe.ProcCpu p : r.cpu) {
            procs.addObject().put("name", p.name()).put("processes", p.processes())
                    .put("cpuPercentOfOneCore", Math.round(p.cpuPercent() * 10) / 10.0).put("rssMiB", p.rssBytes() >> 20);
        }
        ArrayNode gc = root.putArray("gcPauses");
        for (GcPauses.Pauses p : r.gcPauses) {
            gc.addObject().put("name", p.name()).put("pid", p.pid()).put("collections", p.collections())
                    .put("pausedMs", Math.round(p.millis() * 10) / 10.0);
        }
        ArrayNode notes = root.putArray("notes");
        r.notes.forEach(notes::add);
        return root;
    }

    static ObjectNode histogramJson(Histogram h) {
        ObjectNode o = Frame.JSON.createObjectNode();
        o.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return o;
        }
        o.put("min", ms(h.getMinValue()));
        o.put("mean", Math.round(h.getMean()) / 1000.0);
        for (double p : TABLE) {
            o.put("p" + fmtP(p), ms(h.getValueAtPercentile(p)));
        }
        o.put("max", ms(h.getMaxValue()));
        ArrayNode dist = o.putArray("distribution");
        for (double p : PLOT) {
            dist.addArray().add(p).add(ms(h.getValueAtPercentile(p)));
        }
        dist.addArray().add(100.0).add(ms(h.getMaxValue()));
        return o;
    }

    static String fmtP(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p).replace(".", "");
    }

    // ---------------------------------------------------------------- console

    public static String summary(Result r, Path dir) {
        StringBuilder b = new StringBuilder();
        b.append("\n=== ").append(r.scenario).append(" against ").append(r.gateway).append(" ===\n");
        if (r.machine.get("speed") instanceof String speed) {
            b.append(String.format(Locale.ROOT, "  %-34s %s%n", "machine speed (one thread, idle)", speed));
        }
        r.summary.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-34s %s%n", k, value(v))));
        if (!r.latencies.isEmpty()) {
            b.append(String.format(Locale.ROOT, "  %-28s %8s %9s %9s %9s %9s %9s%n", "latency (ms)", "count", "p50", "p90", "p99",
                    "p99.9", "max"));
            r.latencies.forEach((name, h) -> b.append(h.getTotalCount() == 0
                    ? String.format(Locale.ROOT, "  %-28s %8d%n", name, 0)
                    : String.format(Locale.ROOT, "  %-28s %8d %9.1f %9.1f %9.1f %9.1f %9.1f%n", name, h.getTotalCount(),
                            ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                            ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()))));
        }
        if (!r.errors.isEmpty()) {
            b.append("  errors: ").append(r.errors).append('\n');
        }
        r.checks.forEach((k, ok) -> b.append("  [").append(ok ? " ok " : "FAIL").append("] ").append(k).append('\n'));
        if (!r.machineCpu.isEmpty()) {
            b.append("  machine CPU (all cores, ").append(r.cpuWindow).append("): ").append(MachineSpeed.describe(r.machineCpu)).append('\n');
        }
        if (!r.cpu.isEmpty()) {
            b.append("  CPU (% of one core, ").append(r.cpuWindow).append("): ");
            List<String> parts = new ArrayList<>();
            for (SystemProbe.ProcCpu p : r.cpu.subList(0, Math.min(8, r.cpu.size()))) {
                parts.add(String.format(Locale.ROOT, "%s %.0f%%", p.name(), p.cpuPercent()));
            }
            b.append(String.join(", ", parts)).append('\n');
        }
        if (!r.gcPauses.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (GcPauses.Pauses p : r.gcPauses) {
                parts.add(String.format(Locale.ROOT, "%s %d in %.0f ms", p.name(), p.collections(), p.millis()));
            }
            b.append("  GC pauses (").append(GC_WINDOW).append("): ").append(String.join(", ", parts)).append('\n');
        }
        r.notes.forEach(n -> b.append("  note: ").append(n).append('\n'));
        if (dir != null) {
            b.append("  report: ").append(dir.resolve("report.html")).append("\n  result: ").append(dir.resolve("result.json")).append('\n');
        }
        return b.toString();
    }

    static String value(Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        if (v instanceof Duration d) {
            return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
        }
        return String.valueOf(v);
    }

    // ---------------------------------------------------------------- HTML

    public static String html(Result r) {
        StringBuilder b = new StringBuilder(32_000);
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(r.scenario)).append(" benchmark ").append(esc(r.startedAt.toString())).append("</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}.ok{color:#2a7d2a}.fail{color:#c00;font-weight:bold}")
                .append("svg{background:#fff;border:1px solid #ddd}svg text{font:11px sans-serif}")
                .append("</style></head><body>");
        b.append("<h1>").append(esc(r.scenario)).append("</h1><p>Gateway ").append(esc(r.gateway)).append(", started ")
                .append(esc(r.startedAt.toString())).append(r.finishedAt == null ? "" : ", finished " + esc(r.finishedAt.toString()))
                .append(".</p>");
        b.append("<h2>Summary</h2><table>");
        r.summary.forEach((k, v) -> b.append("<tr><td class=l>").append(esc(k)).append("</td><td>").append(esc(value(v))).append("</td></tr>"));
        b.append("</table>");
        if (!r.checks.isEmpty()) {
            b.append("<h2>Checks</h2><ul>");
            r.checks.forEach((k, ok) -> b.append("<li class=").append(ok ? "ok" : "fail").append('>').append(ok ? "ok: " : "FAIL: ")
                    .append(esc(k)).append("</li>"));
            b.append("</ul>");
        }
        if (!r.latencies.isEmpty()) {
            b.append("<h2>Latency (ms)</h2><table><tr><th class=l>measure</th><th>count</th><th>min</th><th>p50</th><th>p90</th>")
                    .append("<th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>");
            r.latencies.forEach((name, h) -> {
                b.append("<tr><td class=l>").append(esc(name)).append("</td><td>").append(h.getTotalCount()).append("</td>");
                if (h.getTotalCount() > 0) {
                    b.append(td(ms(h.getMinValue()))).append(td(ms(h.getValueAtPercentile(50)))).append(td(ms(h.getValueAtPercentile(90))))
                            .append(td(ms(h.getValueAtPercentile(99)))).append(td(ms(h.getValueAtPercentile(99.9))))
                            .append(td(ms(h.getMaxValue()))).append(td(h.getMean() / 1000.0));
                } else {
                    b.append("<td colspan=7>no samples</td>");
                }
                b.append("</tr>");
            });
            b.append("</table>");
            b.append("<h3>Latency by percentile</h3>").append(percentileSvg(r.latencies));
        }
        if (!r.throughput.isEmpty()) {
            b.append("<h2>Throughput over time (events per second)</h2>").append(seriesSvg(r.throughput, "per second"));
        }
        if (!r.worstPerSecondMs.isEmpty()) {
            b.append("<h2>Worst latency in each second (ms)</h2>").append(seriesSvg(r.worstPerSecondMs, "ms"));
        }
        b.append("<h2>Errors</h2>");
        if (r.errors.isEmpty()) {
            b.append("<p>none</p>");
        } else {
            b.append("<table><tr><th class=l>code</th><th>count</th></tr>");
            r.errors.forEach((k, v) -> b.append("<tr><td class=l>").append(esc(k)).append("</td><td>").append(v).append("</td></tr>"));
            b.append("</table>");
        }
        if (!r.cpu.isEmpty()) {
            b.append("<h2>CPU by process (").append(esc(r.cpuWindow)).append(")</h2><table><tr><th class=l>process</th>")
                    .append("<th>processes</th><th>% of one core</th><th>RSS MiB</th></tr>");
            for (SystemProbe.ProcCpu p : r.cpu) {
                b.append("<tr><td class=l>").append(esc(p.name())).append("</td><td>").append(p.processes()).append("</td>")
                        .append(td(p.cpuPercent())).append("<td>").append(p.rssBytes() >> 20).append("</td></tr>");
            }
            b.append("</table>");
        }
        if (!r.machineCpu.isEmpty()) {
            b.append("<p>Machine, all cores: ").append(esc(MachineSpeed.describe(r.machineCpu))).append("</p>");
        }
        if (!r.gcPauses.isEmpty()) {
            b.append("<h2>GC pauses (").append(esc(GC_WINDOW)).append(")</h2><table><tr><th class=l>JVM</th>")
                    .append("<th>pid</th><th>pauses</th><th>paused, ms</th></tr>");
            for (GcPauses.Pauses p : r.gcPauses) {
                b.append("<tr><td class=l>").append(esc(p.name())).append("</td><td>").append(p.pid()).append("</td><td>")
                        .append(p.collections()).append("</td>").append(td(p.millis())).append("</tr>");
            }
            b.append("</table>");
        }
        if (!r.notes.isEmpty()) {
            b.append("<h2>Notes</h2><ul>");
            r.notes.forEach(n -> b.append("<li>").append(esc(n)).append("</li>"));
            b.append("</ul>");
        }
        b.append("<h2>Run</h2><table>");
        r.options.forEach((k, v) -> b.append("<tr><td class=l>--").append(esc(k)).append("</td><td class=l>").append(esc(v)).append("</td></tr>"));
        r.machine.forEach((k, v) -> b.append("<tr><td class=l>").append(esc(k)).append("</td><td class=l>").append(esc(String.valueOf(v)))
                .append("</td></tr>"));
        b.append("</table></body></html>\n");
        return b.toString();
    }

    private static String td(double v) {
        return String.format(Locale.ROOT, "<td>%.1f</td>", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final int W = 900, H = 360, L = 70, R = 45, T = 20, B = 50;

    /** Latency against percentile on a log scale of 1/(1-p), HdrHistogram's usual plot. */
    static String percentileSvg(Map<String, Histogram> hs) {
        double maxY = 0;
        for (Histogram h : hs.values()) {
            if (h.getTotalCount() > 0) {
                maxY = Math.max(maxY, ms(h.getValueAtPercentile(99.999)));
            }
        }
        maxY = niceCeil(Math.max(maxY, 1));
        double maxX = 5; // p99.999
        StringBuilder s = new StringBuilder();
        s.append(svgOpen());
        axes(s, maxY, "latency ms");
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            double x = L + (W - L - R) * i / maxX;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, T, x, H - B));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, H - B + 16, labels[i]));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>", (L + W - R) / 2, H - 8));
        int c = 0;
        for (Map.Entry<String, Histogram> e : hs.entrySet()) {
            Histogram h = e.getValue();
            if (h.getTotalCount() == 0) {
                continue;
            }
            StringBuilder pts = new StringBuilder();
            for (double p : PLOT) {
                double x = L + (W - L - R) * Math.log10(1 / (1 - p / 100)) / maxX;
                double y = (H - B) - (H - B - T) * Math.min(1, ms(h.getValueAtPercentile(p)) / maxY);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            String color = COLORS[c % COLORS.length];
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"").append(pts).append("\"/>");
            legend(s, c, e.getKey() + String.format(Locale.ROOT, " (max %.1f ms)", ms(h.getMaxValue())), color);
            c++;
        }
        return s.append("</svg>").toString();
    }

    private static void seriesJson(ObjectNode into, Map<String, long[]> series) {
        series.forEach((name, a) -> {
            ArrayNode arr = into.putArray(name);
            for (long v : a) {
                arr.add(v);
            }
        });
    }

    static String seriesSvg(Map<String, long[]> series, String unit) {
        int n = 1;
        long maxY = 1;
        for (long[] a : series.values()) {
            n = Math.max(n, a.length);
            for (long v : a) {
                maxY = Math.max(maxY, v);
            }
        }
        double top = niceCeil(maxY);
        StringBuilder s = new StringBuilder();
        s.append(svgOpen());
        axes(s, top, unit);
        int step = Math.max(1, n / 10);
        for (int i = 0; i <= n; i += step) {
            double x = L + (W - L - R) * (double) i / n;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>", x, H - B + 16, i));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds</text>", (L + W - R) / 2, H - 8));
        int c = 0;
        for (Map.Entry<String, long[]> e : series.entrySet()) {
            StringBuilder pts = new StringBuilder();
            long[] a = e.getValue();
            for (int i = 0; i < a.length; i++) {
                double x = L + (W - L - R) * (i + 0.5) / n;
                double y = (H - B) - (H - B - T) * a[i] / top;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            String color = COLORS[c % COLORS.length];
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"").append(pts).append("\"/>");
            legend(s, c, e.getKey(), color);
            c++;
        }
        return s.append("</svg>").toString();
    }

    private static String svgOpen() {
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", W, H, W, H);
    }

    private static void axes(StringBuilder s, double maxY, String label) {
        for (int i = 0; i <= 5; i++) {
            double y = (H - B) - (H - B - T) * i / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", L, y, W - R, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", L - 6, y + 4, num(maxY * i / 5)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", L, H - B, W - R, H - B));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", L, T, L, H - B));
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>",
                (T + H - B) / 2, (T + H - B) / 2, esc(label)));
    }

    private static void legend(StringBuilder s, int i, String text, String color) {
        int y = T + 8 + 16 * i;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>", L + 12, y - 4, color));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", L + 30, y, esc(text)));
    }

    static String num(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** 1, 2, 5 × 10^k at or above v. */
    static double niceCeil(double v) {
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }
}

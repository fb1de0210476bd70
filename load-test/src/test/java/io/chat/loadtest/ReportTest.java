package io.chat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    static Result sample() {
        Result r = new Result("chat");
        r.gateway = "http://127.0.0.1:8080";
        Histogram h = Stats.newHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            Stats.recordNanos(h, ms * 1_000_000L); // 1 ms .. 1000 ms, uniform
        }
        r.latencies.put("send → delivered", h);
        r.latencies.put("empty", Stats.newHistogram());
        r.throughput.put("sent", new long[] {10, 20, 30});
        r.errors.put("rate_limited", 4L);
        r.put("lost", 0).put("name with <markup>", "a & b");
        r.checks.put("zero loss", true);
        r.checks.put("target: p99 < 50 ms", false);
        return r;
    }

    @Test
    void percentilesInTheJsonAreInMillisecondsWithinHdrPrecision() {
        ObjectNode json = Report.json(sample());
        JsonNode d = json.path("latenciesMs").path("send → delivered");
        assertEquals(1000, d.path("count").asLong());
        assertEquals(500, d.path("p50").asDouble(), 1.0);
        assertEquals(990, d.path("p99").asDouble(), 1.0);
        assertEquals(999, d.path("p999").asDouble(), 1.0);
        assertEquals(1000, d.path("max").asDouble(), 1.0);
        assertEquals(1, d.path("min").asDouble(), 0.01);
        assertEquals(0, json.path("latenciesMs").path("empty").path("count").asLong());
        assertEquals(30, json.path("perSecond").path("sent").get(2).asLong());
        assertFalse(json.path("checks").path("target: p99 < 50 ms").asBoolean());
        // the plotted distribution is monotonic and ends at the maximum
        JsonNode dist = d.path("distribution");
        for (int i = 1; i < dist.size(); i++) {
            assertTrue(dist.get(i).get(1).asDouble() >= dist.get(i - 1).get(1).asDouble());
        }
        assertEquals(100.0, dist.get(dist.size() - 1).get(0).asDouble());
    }

    @Test
    void htmlIsSelfContainedWithBothCharts(@TempDir Path dir) throws Exception {
        Path out = Report.write(sample(), dir);
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(2, count(html, "<svg "), "a percentile plot and a throughput plot");
        assertTrue(html.contains("<polyline"));
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").replace("http://127.0.0.1:8080", "").matches("(?s).*(https?:)?//[a-z].*"),
                "no external resource (the network is closed)");
        assertTrue(html.contains("name with &lt;markup&gt;") && html.contains("a &amp; b"), "text is escaped");
        assertTrue(html.contains("FAIL: target: p99 &lt; 50 ms"));
        JsonNode json = Frame.JSON.readTree(out.resolve("result.json").toFile());
        assertEquals("chat", json.path("scenario").asText());
        assertEquals(4, json.path("errors").path("rate_limited").asLong());
    }

    @Test
    void theWorstLatencyOfEachSecondIsKeptReportedAndPlotted(@TempDir Path dir) throws Exception {
        Stats stats = new Stats(0);
        stats.worst("worst", 1_200_000_000L, 40);
        stats.worst("worst", 1_900_000_000L, 250);
        stats.worst("worst", 1_500_000_000L, 90);
        stats.worst("worst", 3_100_000_000L, 7);
        long[] bySecond = stats.worstSeries(1, 4).get("worst");
        assertEquals(java.util.List.of(250L, 0L, 7L), java.util.Arrays.stream(bySecond).boxed().toList(), "max per second, from second 1");
        assertEquals("second 0: 250 ms, second 2: 7 ms", ChatScenario.worstSeconds(bySecond, 2));

        Result r = sample();
        r.worstPerSecondMs.put("worst", bySecond);
        Path out = Report.write(r, dir);
        assertEquals(3, count(Files.readString(out.resolve("report.html")), "<svg "), "percentiles, throughput, worst by second");
        JsonNode json = Frame.JSON.readTree(out.resolve("result.json").toFile());
        assertEquals(250, json.path("worstPerSecondMs").path("worst").get(0).asLong());
    }

    @Test
    void consoleSummaryShowsChecksAndPercentiles() {
        String s = Report.summary(sample(), null);
        assertTrue(s.contains("[ ok ] zero loss"));
        assertTrue(s.contains("[FAIL] target: p99 < 50 ms"));
        Matcher m = Pattern.compile("send → delivered\\s+1000\\s+(\\S+)").matcher(s);
        assertTrue(m.find(), s);
        assertEquals(500.0, Double.parseDouble(m.group(1)), 1.0);
        assertTrue(s.lines().count() < 40, "fits on one screen");
    }

    @Test
    void framesAreReadWithoutATreeAndNestedObjectsAreSkipped() {
        Frame f = Frame.parse("{\"type\":\"message.new\",\"room\":\"r1\",\"msgId\":\"x\",\"seq\":42,\"sender\":\"u\",\"text\":\"hi\","
                + "\"clientMsgId\":\"b1-7\",\"mentions\":[{\"seq\":1}],\"ts\":\"2026-01-01T00:00:00Z\"}");
        assertEquals("message.new", f.type());
        assertEquals("r1", f.room());
        assertEquals(42, f.seq(), "the nested seq inside mentions is not taken");
        assertEquals("b1-7", f.clientMsgId());
        assertFalse(f.hasRooms());
        Frame sync = Frame.parse("{\"type\":\"ack\",\"ref\":\"s1\",\"rooms\":{\"r1\":{\"messages\":[{\"seq\":2}],\"complete\":true}}}");
        assertTrue(sync.hasRooms());
        assertEquals(2, sync.tree().path("rooms").path("r1").path("messages").get(0).path("seq").asLong());
        assertEquals("__invalid__", Frame.parse("not json").type());
    }

    @Test
    void optionsRecordWhatWasUsedAndReportTypos() {
        Options o = Options.parse(new String[] {"chat", "--rate", "2000", "--duraton=5", "--gc"}, 1);
        assertEquals(2000, o.integer("rate", 50));
        assertEquals(10, o.integer("duration", 10));
        assertTrue(o.flag("gc", false));
        assertEquals(java.util.Set.of("duraton"), o.unknown());
        assertEquals("10", o.used().get("duration"));
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}

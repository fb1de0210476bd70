package io.chat.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GcPausesTest {
    // jstat -gc of JDK 25: G1 (concurrent cycles counted in CGC/CGCT) and the parallel collector (none: "-")
    static final String G1 = """
                S0C         S1C         S0U         S1U          EC           EU           OC           OU          MC         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT
                0.0      1024.0         0.0      1024.0      37888.0      29696.0      26624.0      17672.7    67136.0    66606.2   13312.0   13071.5     22     1.063     1     0.100    14     0.491     1.654
            """;
    static final String PARALLEL = """
                S0C         S1C         S0U         S1U          EC           EU           OC           OU          MC         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT
              2560.0      2560.0         0.0      2048.0      23040.0      11520.0      44544.0      20100.5    70016.0    69120.0   13568.0   13201.2    103     0.612     2     0.143      -         -     0.755
            """;

    // ZGC (the load generator's collector): its pauses in CGC, sub-millisecond, so GCT stays at 0.000
    static final String ZGC = """
                S0C         S1C         S0U         S1U          EC           EU           OC           OU          MC         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT
                  -           -           -           -     262144.0      20480.0          0.0          0.0      384.0      133.4     128.0       3.7      0     0.000     -         -    10     0.000     0.000
            """;

    @Test
    void everyStopTheWorldPauseIsCountedWhateverTheCollector() {
        assertEquals(new GcPauses.Totals(22 + 1 + 14, 1.654), GcPauses.parse(G1), "young, full and G1's remark/cleanup pauses");
        assertEquals(new GcPauses.Totals(103 + 2, 0.755), GcPauses.parse(PARALLEL), "no concurrent cycles: '-' counts as none");
        assertEquals(new GcPauses.Totals(10, 0.0), GcPauses.parse(ZGC), "ZGC's pauses, no full collections");
    }

    @Test
    void jstatReadsTheLoadGeneratorsOwnJvm() {
        // the chat scenario snapshots its own process too (its pauses are in the latencies it measures)
        long self = ProcessHandle.current().pid();
        GcPauses.Snapshot snapshot = GcPauses.snapshot(Map.of(self, SystemProbe.SELF));
        assertTrue(snapshot.totals().containsKey(self), "jstat -gc of this JVM gave no totals");
        assertTrue(snapshot.totals().get(self).seconds() >= 0);
    }

    @Test
    void whatIsNotJstatOutputGivesNothing() {
        assertNull(GcPauses.parse(null));
        assertNull(GcPauses.parse(""));
        assertNull(GcPauses.parse("sun.jvmstat.monitor.MonitorException: Could not attach to 4242"));
        assertNull(GcPauses.parse("YGC YGCT\n3"), "values do not match the header");
    }

    @Test
    void aRunReportsWhatEachJvmPausedBetweenTheSnapshotsLongestFirst() {
        Map<Long, String> names = Map.of(1L, "message-service", 2L, "chat-gateway", 3L, "kafka");
        GcPauses.Snapshot before = new GcPauses.Snapshot(names, Map.of(1L, new GcPauses.Totals(10, 0.5), 2L,
                new GcPauses.Totals(4, 0.2), 3L, new GcPauses.Totals(7, 1.0)));
        // kafka could not be read at the end (it stopped): left out rather than reported as a negative pause
        GcPauses.Snapshot after = new GcPauses.Snapshot(names, Map.of(1L, new GcPauses.Totals(40, 0.65), 2L,
                new GcPauses.Totals(19, 0.6)));
        List<GcPauses.Pauses> pauses = GcPauses.between(before, after);
        assertEquals(2, pauses.size());
        assertEquals("chat-gateway", pauses.get(0).name());
        assertEquals(15, pauses.get(0).collections());
        assertEquals(400, pauses.get(0).millis(), 1e-6);
        assertEquals("message-service", pauses.get(1).name());
        assertEquals(30, pauses.get(1).collections());
        assertEquals(150, pauses.get(1).millis(), 1e-6);
    }

    @Test
    void theReportCarriesThePausesInJsonSummaryAndHtml() {
        Result r = ReportTest.sample();
        r.gcPauses = List.of(new GcPauses.Pauses("message-service", 42, 30, 152.34));
        assertEquals(152.3, Report.json(r).path("gcPauses").get(0).path("pausedMs").asDouble());
        assertEquals(30, Report.json(r).path("gcPauses").get(0).path("collections").asLong());
        assertTrue(Report.summary(r, null).contains("GC pauses (") && Report.summary(r, null).contains("message-service 30 in 152 ms"));
        assertTrue(Report.html(r).contains("<h2>GC pauses ("));
    }
}

package io.chat.loadtest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineSpeedTest {
    // /proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice
    static final String BEFORE = "cpu  1000 0 200 5000 0 0 50 10 0 0\ncpu0 500 0 100 2500 0 0 25 5 0 0\nintr 1 2 3\n";
    static final String AFTER = "cpu  1600 40 320 5300 20 0 70 20 0 0\ncpu0 800 20 160 2650 10 0 35 10 0 0\nintr 4 5 6\n";

    @Test
    void theMachineWideSplitComesFromTheAllCpuLine() {
        MachineSpeed.Ticks a = MachineSpeed.parse(BEFORE);
        MachineSpeed.Ticks b = MachineSpeed.parse(AFTER);
        // deltas: user+nice 640, system 120, irq+softirq 20, idle+iowait 320, steal 10: 1,110 in all
        Map<String, Double> split = MachineSpeed.split(a, b);
        assertEquals(100.0 * 640 / 1110, split.get("user"), 1e-9);
        assertEquals(100.0 * 120 / 1110, split.get("system"), 1e-9);
        assertEquals(100.0 * 20 / 1110, split.get("irq"), 1e-9);
        assertEquals(100.0 * 10 / 1110, split.get("stolen"), 1e-9);
        assertEquals(100.0 * 320 / 1110, split.get("idle"), 1e-9);
        assertEquals("busy 70 % (user 58, system 11, irq 2), stolen 0.9 %, idle 29 %", MachineSpeed.describe(split));
    }

    @Test
    void missingOrUnreadableCountersGiveNoSplit() {
        assertNull(MachineSpeed.parse("intr 1 2 3\n"));
        assertNull(MachineSpeed.parse("cpu  12 x 3 4 5 6 7 8\n"));
        assertTrue(MachineSpeed.split(null, MachineSpeed.parse(AFTER)).isEmpty());
        assertTrue(MachineSpeed.split(MachineSpeed.parse(AFTER), MachineSpeed.parse(BEFORE)).isEmpty(), "counters went back");
        assertEquals("unknown (no /proc/stat)", MachineSpeed.describe(Map.of()));
    }

    @Test
    void theCalibrationMeasuresBothWorkloads() {
        MachineSpeed.Speed speed = MachineSpeed.measure();
        // any machine that runs the system does well over a thousand of either per second
        assertTrue(speed.eventsPerSecond() > 1_000, "events/s: " + speed.eventsPerSecond());
        assertTrue(speed.sha256MiBPerSecond() > 1, "SHA-256 MiB/s: " + speed.sha256MiBPerSecond());
        assertTrue(speed.describe().matches("\\d+ k events tokenised/s, SHA-256 \\d+ MiB/s"), speed.describe());
    }
}

package io.chat.loadtest;

import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run reports; {@link Report} renders it as JSON, HTML and the console summary. */
public final class Result {
    public final String scenario;
    public final Instant startedAt = Instant.now();
    public Instant finishedAt;
    public String gateway;
    public Map<String, String> options = new LinkedHashMap<>();
    public Map<String, Object> machine = new LinkedHashMap<>();
    /** Headline figures, in display order. */
    public final Map<String, Object> summary = new LinkedHashMap<>();
    /** Latency distributions, values in microseconds. */
    public final Map<String, Histogram> latencies = new LinkedHashMap<>();
    /** Events per second, second 0 being the start of the measured phase. */
    public Map<String, long[]> throughput = new LinkedHashMap<>();
    /** The worst latency (ms) by second, second 0 being the start of the measured phase. */
    public Map<String, long[]> worstPerSecondMs = new LinkedHashMap<>();
    public Map<String, Long> errors = new LinkedHashMap<>();
    /** CPU per process group during the measured phase. */
    public List<SystemProbe.ProcCpu> cpu = new ArrayList<>();
    public String cpuWindow = "";
    /** The machine-wide split of all cores' time over the same window ({@link MachineSpeed#split}). */
    public Map<String, Double> machineCpu = new LinkedHashMap<>();
    /** Stop-the-world GC pauses of the system's JVMs around the measured phase, the longest paused first. */
    public List<GcPauses.Pauses> gcPauses = new ArrayList<>();
    /** Pass/fail checks (zero loss, ...), in display order: description → passed. */
    public final Map<String, Boolean> checks = new LinkedHashMap<>();
    public final List<String> notes = new ArrayList<>();

    public Result(String scenario) {
        this.scenario = scenario;
    }

    public Result put(String key, Object value) {
        summary.put(key, value);
        return this;
    }
}

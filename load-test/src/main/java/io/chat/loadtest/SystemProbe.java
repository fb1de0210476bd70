package io.chat.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the machine and the gateway process look like, read locally: the gateway's heap from its own
 * {@code /q/metrics}, its resident memory from {@code /proc/<pid>/status}, and the CPU time of every process
 * (from {@code /proc/<pid>/stat}) so that a run can say which process was busy.
 */
public final class SystemProbe {
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE);
    /** A service started from its build: group 1 the checkout, group 2 the module. */
    private static final Pattern QUARKUS_APP = Pattern.compile("(\\S*?)/([a-z-]+)/target/quarkus-app/quarkus-run\\.jar");
    private static final Pattern CONNECTIONS = Pattern.compile("^chat_gateway_connections(?:\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);
    private static final long CLK_TCK = 100; // USER_HZ on Linux
    /** How the load generator's own process is named in the CPU and GC lines. */
    static final String SELF = "load generator (this process)";

    public record Memory(long heapBytes, long rssBytes, long gatewayConnections, boolean gcRequested) {
    }

    public record ProcCpu(String name, int processes, double cpuPercent, long rssBytes) {
    }

    /** CPU ticks per process at one instant. */
    public record CpuSnapshot(long nanos, Map<Long, Long> ticks, Map<Long, String> names, Map<Long, Long> rss, MachineSpeed.Ticks machine) {
    }

    private final Api api;
    private final long gatewayPid;

    public SystemProbe(Api api, long gatewayPid) {
        this.api = api;
        this.gatewayPid = gatewayPid;
    }

    public long gatewayPid() {
        return gatewayPid;
    }

    /**
     * The gateway's memory now. With {@code gc} and a known local pid, a full GC is requested first through
     * {@code jcmd <pid> GC.run} (the same JDK tool an operator would use), so the heap figure is the live set
     * rather than whatever garbage the last young collection left.
     */
    public Memory gatewayMemory(boolean gc) {
        boolean requested = false;
        if (gc && gatewayPid > 0) {
            requested = jcmdGc();
        }
        String metrics = Api.await(api.text("/q/metrics"), Duration.ofSeconds(20));
        long heap = 0;
        Matcher m = HEAP.matcher(metrics);
        while (m.find()) {
            heap += (long) Double.parseDouble(m.group(1));
        }
        long conns = -1;
        Matcher c = CONNECTIONS.matcher(metrics);
        if (c.find()) {
            conns = (long) Double.parseDouble(c.group(1));
        }
        return new Memory(heap, gatewayPid > 0 ? rss(gatewayPid) : -1, conns, requested);
    }

    private boolean jcmdGc() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(gatewayPid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public static CpuSnapshot cpuSnapshot() {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> rss = new HashMap<>();
        long self = ProcessHandle.current().pid();
        forEachProcess((pid, dir) -> {
            String stat = Files.readString(dir.resolve("stat"));
            String[] f = statFields(stat);
            ticks.put(pid, cpuTicks(f));
            rss.put(pid, Long.parseLong(f[21]) * 4096);
            String comm = comm(stat);
            names.put(pid, pid == self ? SELF : classify(comm, cmdline(dir)));
        });
        return new CpuSnapshot(System.nanoTime(), ticks, names, rss, MachineSpeed.ticks());
    }

    /** The fields of a /proc stat line after "pid (comm) ": state=0, utime=11, stime=12, rss pages=21. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static long cpuTicks(String[] statFields) {
        return Long.parseLong(statFields[11]) + Long.parseLong(statFields[12]);
    }

    private static String comm(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /**
     * CPU time this JVM's JIT compiler threads have used so far, in ms (Linux: their comm is "C1/C2 CompilerThre..."),
     * or -1 without /proc. The JMX compilation time counts wall time, which a loaded machine inflates.
     */
    public static long selfCompilerCpuMillis() {
        long[] ticks = {0};
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    if (comm(stat).contains("CompilerThre")) {
                        ticks[0] += cpuTicks(statFields(stat));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile (compiler threads come and go with the queue)
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return ticks[0] * 1000 / CLK_TCK;
    }

    /**
     * The services' JVMs and Kafka started from this checkout (the working directory bench.sh sets; Kafka of the dev
     * environment only): pid → short name, for {@link Profiler}. Another checkout's processes (a CI run) are left alone.
     */
    public static Map<Long, String> systemJvms() {
        Map<Long, String> jvms = new TreeMap<>();
        String root = Path.of("").toAbsolutePath() + "/";
        forEachProcess((pid, dir) -> {
            String cmd = cmdline(dir);
            Matcher m = QUARKUS_APP.matcher(cmd);
            String name = m.find() ? m.group(2) : cmd.contains("kafka.Kafka") ? "kafka" : null;
            if (name != null && cmd.contains(root) && !cmd.contains("/.run/test/")) {
                jvms.put(pid, name);
            }
        });
        return jvms;
    }

    private interface ProcessVisitor {
        void visit(long pid, Path dir) throws IOException;
    }

    /** Every process in /proc; one that ends while it is read is skipped. */
    private static void forEachProcess(ProcessVisitor visitor) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    visitor.visit(Long.parseLong(p.getFileName().toString()), p);
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            });
        } catch (IOException e) {
            // no /proc: nothing to report
        }
    }

    private static String cmdline(Path dir) throws IOException {
        return new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
    }

    static String classify(String comm, String cmd) {
        Matcher q = QUARKUS_APP.matcher(cmd);
        if (q.find()) {
            String tree = q.group(1).isEmpty() ? "" : " [" + q.group(1) + "]";
            return q.group(2) + tree;
        }
        if (cmd.contains("kafka.Kafka")) {
            return cmd.contains("/.run/test/") ? "kafka (test env)" : "kafka (dev env)";
        }
        if (comm.startsWith("postgres") || cmd.startsWith("postgres")) {
            return "postgresql (all backends)";
        }
        if (comm.startsWith("redis")) {
            return "redis";
        }
        if (cmd.contains("greenmail")) {
            return "greenmail";
        }
        if (cmd.contains("plexus-classworlds") || cmd.contains("maven")) {
            return "maven builds (other engineers)";
        }
        if (comm.contains("chrom") || comm.equals("node") || cmd.contains("playwright")) {
            return "browser tests (chromium/node)";
        }
        if (comm.equals("java")) {
            return "other java";
        }
        return "other";
    }

    /** CPU use between two snapshots, per named group, busiest first; percent of one core. */
    public static List<ProcCpu> cpuBetween(CpuSnapshot a, CpuSnapshot b) {
        double seconds = Math.max(0.001, (b.nanos() - a.nanos()) / 1e9);
        Map<String, double[]> groups = new LinkedHashMap<>();
        b.ticks().forEach((pid, t) -> {
            long before = a.ticks().getOrDefault(pid, 0L);
            long delta = Math.max(0, t - before);
            String name = b.names().getOrDefault(pid, "other");
            double[] g = groups.computeIfAbsent(name, k -> new double[3]);
            g[0] += delta;
            g[1] += 1;
            g[2] += b.rss().getOrDefault(pid, 0L);
        });
        List<ProcCpu> out = new ArrayList<>();
        groups.forEach((name, g) -> out.add(new ProcCpu(name, (int) g[1], 100.0 * g[0] / CLK_TCK / seconds, (long) g[2])));
        out.sort((x, y) -> Double.compare(y.cpuPercent(), x.cpuPercent()));
        return out.stream().filter(p -> p.cpuPercent() >= 0.5).toList();
    }

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpuModel", l.substring(l.indexOf(':') + 1).trim()));
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .ifPresent(l -> m.put("memTotalMiB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024));
            m.put("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }
}

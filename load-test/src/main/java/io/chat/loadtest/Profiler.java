package io.chat.loadtest;

import com.sun.tools.attach.VirtualMachine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Profiles of the system's JVMs over a scenario's measured window ({@code --profile}): async-profiler is loaded
 * into each process through the JDK's attach API and writes one flame graph per process. scripts/bench.sh fetches the
 * library from Maven Central and passes it as {@code --profiler-lib}. Each process also gets its collapsed stacks
 * (one line per stack, for grep and diffs between runs). {@code --profile-event} picks what is sampled: CPU time
 * (itimer, every millisecond) or allocations (bytes allocated, sampled by TLAB; what makes the collector run).
 * A diagnosis aid: the sampling costs some CPU in every profiled process, so a profiled run's latencies are not
 * comparable with others.
 */
final class Profiler {
    /** What is sampled; {@code total} makes an allocation profile count bytes instead of samples. */
    enum Event {
        CPU("CPU", "event=itimer,interval=1ms", "", ""),
        ALLOC("allocation", "event=alloc", ",total", "-alloc");

        final String label;
        final String start;
        final String output;
        final String suffix;

        Event(String label, String start, String output, String suffix) {
            this.label = label;
            this.start = start;
            this.output = output;
            this.suffix = suffix;
        }

        static Event of(String name) {
            return switch (name) {
                case "cpu" -> CPU;
                case "alloc" -> ALLOC;
                default -> throw new IllegalArgumentException("--profile-event must be cpu or alloc, not '" + name + "'");
            };
        }
    }

    private final String lib;
    private final Path dir;
    private final Event event;
    private final Map<Long, String> started = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private Profiler(String lib, Path dir, Event event) {
        this.lib = lib;
        this.dir = dir;
        this.event = event;
    }

    /** Starts profiling each of {@code jvms} (pid → name); a process that refuses is reported, not fatal. */
    static Profiler start(String lib, Path dir, Map<Long, String> jvms, Event event) {
        Profiler p = new Profiler(lib, dir, event);
        jvms.forEach((pid, name) -> {
            try {
                p.load(pid, "start," + event.start);
                p.started.put(pid, name);
            } catch (Exception e) {
                p.problems.add("could not profile " + name + " (pid " + pid + "): " + e);
            }
        });
        return p;
    }

    /**
     * Stops every profile, writes {@code <name>-<pid>.html} (flame graph) and {@code .collapsed.txt} (an allocation
     * profile: {@code <name>-<pid>-alloc.*}); returns the graphs.
     */
    List<Path> stop() throws Exception {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<Long, String> jvm : started.entrySet()) {
            String base = jvm.getValue() + "-" + jvm.getKey() + event.suffix;
            Path file = dir.resolve(base + ".html");
            try {
                Path stacks = dir.resolve(base + ".collapsed.txt");
                load(jvm.getKey(), "dump,collapsed" + event.output + ",file=" + stacks.toAbsolutePath());
                load(jvm.getKey(), "stop,flamegraph" + event.output + ",file=" + file.toAbsolutePath());
                if (Files.isRegularFile(file)) {
                    written.add(file);
                } else {
                    problems.add("no profile from " + jvm.getValue() + " (no samples, or the process ended)");
                }
            } catch (Exception e) {
                problems.add("could not stop the profile of " + jvm.getValue() + ": " + e);
            }
        }
        return written;
    }

    List<String> problems() {
        return problems;
    }

    private void load(long pid, String command) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            vm.loadAgentPath(lib, command);
        } finally {
            vm.detach();
        }
    }
}

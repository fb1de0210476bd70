package io.chat.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profile option against a real JVM: a child process that spins (or allocates), profiled for a second. */
class ProfilerTest {

    /** The child: computes until it is killed, in a method the flame graph must show. */
    public static final class Spinner {
        public static void main(String[] args) {
            System.out.println("ready");
            System.out.flush();
            long x = 0;
            while (true) {
                x = spin(x);
            }
        }

        static long spin(long x) {
            for (int i = 0; i < 1_000_000; i++) {
                x = x * 31 + i;
            }
            return x;
        }
    }

    /** The child: allocates short-lived arrays until it is killed, in a method the allocation profile must show. */
    public static final class Allocator {
        static volatile Object sink;

        public static void main(String[] args) {
            System.out.println("ready");
            System.out.flush();
            while (true) {
                allocate();
            }
        }

        static void allocate() {
            sink = new byte[64 * 1024];
        }
    }

    @Test
    void aSpinningJvmIsProfiledIntoAFlameGraphThatNamesItsHotMethod(@TempDir Path tmp) throws Exception {
        String stacks = profile(tmp, Spinner.class, Profiler.Event.CPU, "spinner", "");
        assertTrue(stacks.contains("ProfilerTest$Spinner.spin"), "the hot method is in the stacks");
    }

    @Test
    void anAllocationProfileNamesTheAllocatingMethodAndCountsBytes(@TempDir Path tmp) throws Exception {
        String stacks = profile(tmp, Allocator.class, Profiler.Event.ALLOC, "allocator", "-alloc");
        String line = stacks.lines().filter(l -> l.contains("ProfilerTest$Allocator.allocate")).findFirst().orElse("");
        assertTrue(line.contains("byte[]"), "the allocated type ends the stack: " + line);
        // total: the line's count is bytes (at least one 64 KiB array), not a number of samples
        long bytes = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        assertTrue(bytes >= 64 * 1024, "bytes, not samples: " + bytes);
    }

    @Test
    void anUnknownEventIsRefused() {
        assertEquals("--profile-event must be cpu or alloc, not 'wall'",
                assertThrows(IllegalArgumentException.class, () -> Profiler.Event.of("wall")).getMessage());
    }

    /** Profiles a child JVM running {@code main} for a second; returns its collapsed stacks. */
    private static String profile(Path tmp, Class<?> main, Profiler.Event event, String name, String suffix) throws Exception {
        Path lib = tmp.resolve("libasyncProfiler.so");
        try (InputStream in = Profiler.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
            assertNotNull(in, "async-profiler (test dependency, linux-x64) is on the test classpath");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());

            Profiler profiler = Profiler.start(lib.toString(), tmp.resolve("profiles"), Map.of(child.pid(), name), event);
            Thread.sleep(1000);
            List<Path> written = profiler.stop();

            assertEquals(List.of(), profiler.problems());
            String base = name + "-" + child.pid() + suffix;
            assertEquals(List.of(tmp.resolve("profiles").resolve(base + ".html")), written);
            assertTrue(Files.readString(written.get(0)).startsWith("<!DOCTYPE html>"), "a flame graph page");
            return Files.readString(tmp.resolve("profiles").resolve(base + ".collapsed.txt"));
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessThatCannotBeProfiledIsReportedNotFatal(@TempDir Path tmp) throws Exception {
        Profiler profiler = Profiler.start(tmp.resolve("missing.so").toString(), tmp, Map.of(ProcessHandle.current().pid(), "self"),
                Profiler.Event.CPU);
        assertEquals(List.of(), profiler.stop());
        assertEquals(1, profiler.problems().size(), profiler.problems().toString());
    }
}

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profile option against a real JVM: a child process that spins, profiled for a second. */
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

    @Test
    void aSpinningJvmIsProfiledIntoAFlameGraphThatNamesItsHotMethod(@TempDir Path tmp) throws Exception {
        Path lib = tmp.resolve("libasyncProfiler.so");
        try (InputStream in = Profiler.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
            assertNotNull(in, "async-profiler (test dependency, linux-x64) is on the test classpath");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Spinner.class.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());

            Profiler profiler = Profiler.start(lib.toString(), tmp.resolve("profiles"), Map.of(child.pid(), "spinner"));
            Thread.sleep(1000);
            List<Path> written = profiler.stop();

            assertEquals(List.of(), profiler.problems());
            assertEquals(List.of(tmp.resolve("profiles").resolve("spinner-" + child.pid() + ".html")), written);
            assertTrue(Files.readString(written.get(0)).startsWith("<!DOCTYPE html>"), "a flame graph page");
            String stacks = Files.readString(tmp.resolve("profiles").resolve("spinner-" + child.pid() + ".collapsed.txt"));
            assertTrue(stacks.contains("ProfilerTest$Spinner.spin"), "the hot method is in the stacks");
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessThatCannotBeProfiledIsReportedNotFatal(@TempDir Path tmp) throws Exception {
        Profiler profiler = Profiler.start(tmp.resolve("missing.so").toString(), tmp, Map.of(ProcessHandle.current().pid(), "self"));
        assertEquals(List.of(), profiler.stop());
        assertEquals(1, profiler.problems().size(), profiler.problems().toString());
    }
}

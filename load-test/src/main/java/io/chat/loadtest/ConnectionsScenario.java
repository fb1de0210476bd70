package io.chat.loadtest;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 1: N authenticated idle sockets on one gateway. Memory per socket is the difference in the gateway's
 * heap (after a full GC requested with jcmd) and resident memory between before the ramp and after it has
 * settled, divided by the sockets opened. The sockets then stay idle for the hold time (answering the gateway's
 * pings, as any WebSocket client does) and none may be closed by the server.
 */
final class ConnectionsScenario implements Bench.Scenario {
    @Override
    public Result run(Bench.Ctx ctx) throws Exception {
        Options o = ctx.opts;
        int n = o.integer("connections", 200);
        int perUser = o.integer("conns-per-user", 1);
        double rate = o.dbl("rate", 500);
        int inFlight = o.integer("in-flight", 200);
        int settle = o.integer("settle", 20);
        int hold = o.integer("hold", 30);
        boolean gc = o.flag("gc", true);
        if (perUser < 1 || perUser > 10) {
            throw new IllegalArgumentException("--conns-per-user is 1..10 (the gateway's per-user cap is 10 by default)");
        }
        int userCount = (n + perUser - 1) / perUser;
        double rampSeconds = rate > 0 ? n / rate : 0;
        Duration needed = Duration.ofSeconds((long) rampSeconds + settle + hold + 60);
        if (needed.compareTo(Duration.ofMinutes(14)) > 0) {
            throw new IllegalArgumentException("ramp + settle + hold must fit in the 15-minute access token lifetime (the gateway "
                    + "closes expired sessions with 4001); this run needs " + needed.toSeconds() + " s");
        }
        List<UserPool.User> users = ctx.users(userCount, needed);

        Result r = new Result("connections");
        Stats stats = new Stats(System.nanoTime());
        ctx.progress.phase("measuring the gateway before the ramp" + (gc ? " (full GC via jcmd)" : ""));
        SystemProbe.Memory before = ctx.probe.gatewayMemory(gc);

        AtomicLong framesIn = new AtomicLong();
        AtomicBoolean closing = new AtomicBoolean();
        List<Conn> conns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Conn c = new Conn(i, users.get(i % userCount));
            c.onFrame((conn, f) -> framesIn.incrementAndGet());
            c.onClose(() -> {
                if (!closing.get()) {
                    stats.error("closed by server: " + c.closeCode());
                }
            });
            conns.add(c);
        }
        Histogram upgrade = Stats.newHistogram();
        Histogram hello = Stats.newHistogram();
        SystemProbe.CpuSnapshot cpu0 = SystemProbe.cpuSnapshot();
        // The ramp runs in two halves with a measurement between them. The first sockets also pay the gateway's
        // one-time costs (JIT-compiled code, loaded classes, the heap's first growth), so the second half alone gives
        // the marginal memory of one more socket, the figure that decides how many fit on a machine.
        int half = n / 2;
        long t0 = System.nanoTime();
        int open = ctx.connectAll(conns.subList(0, half), rate, inFlight, upgrade, hello, stats,
                Duration.ofSeconds((long) rampSeconds + 300));
        double firstHalfTook = (System.nanoTime() - t0) / 1e9;
        ctx.progress.phase("settling 5 s at half way, then measuring" + (gc ? " (full GC via jcmd)" : ""));
        Bench.sleep(5000);
        SystemProbe.Memory mid = ctx.probe.gatewayMemory(gc);
        long openAtMid = conns.stream().filter(Conn::isOpen).count();
        long t1 = System.nanoTime();
        open += ctx.connectAll(conns.subList(half, n), rate, inFlight, upgrade, hello, stats,
                Duration.ofSeconds((long) rampSeconds + 300));
        double rampTook = firstHalfTook + (System.nanoTime() - t1) / 1e9;
        SystemProbe.CpuSnapshot cpu1 = SystemProbe.cpuSnapshot();
        int rampEnd = stats.secondOf(System.nanoTime()) + 1;

        ctx.progress.phase("settling " + settle + " s", () -> "open " + conns.stream().filter(Conn::isOpen).count()
                + ", frames received " + framesIn.get());
        Bench.sleep(settle * 1000L);
        ctx.progress.phase("measuring the gateway with the sockets open" + (gc ? " (full GC via jcmd)" : ""));
        SystemProbe.Memory after = ctx.probe.gatewayMemory(gc);
        long openAtMeasure = conns.stream().filter(Conn::isOpen).count();

        long holdEnd = System.nanoTime() + hold * 1_000_000_000L;
        ctx.progress.phase("holding " + hold + " s idle", () -> String.format(Locale.ROOT, "open %d, closed by server %d, %.0f s left",
                conns.stream().filter(Conn::isOpen).count(), stats.totalErrors(), (holdEnd - System.nanoTime()) / 1e9));
        while (System.nanoTime() < holdEnd) {
            Bench.sleep(200);
        }
        long openAfterHold = conns.stream().filter(Conn::isOpen).count();
        SystemProbe.Memory afterHold = ctx.probe.gatewayMemory(false);

        closing.set(true);
        ctx.progress.phase("closing");
        ctx.closeAll(conns);
        Bench.sleep(3000);
        SystemProbe.Memory released = ctx.probe.gatewayMemory(gc);

        long denom = Math.max(1, openAtMeasure);
        double heapPer = (after.heapBytes() - before.heapBytes()) / (double) denom;
        double rssPer = (after.rssBytes() - before.rssBytes()) / (double) denom;
        long secondHalf = Math.max(1, openAtMeasure - openAtMid);
        double heapMarginal = (after.heapBytes() - mid.heapBytes()) / (double) secondHalf;
        double rssMarginal = (after.rssBytes() - mid.rssBytes()) / (double) secondHalf;
        r.put("sockets requested", n)
                .put("accounts (sockets per account)", userCount + " (" + perUser + ")")
                .put("sockets opened", open)
                .put("ramp", String.format(Locale.ROOT, "%.1f s (%.0f/s requested, %.0f/s achieved)", rampTook, rate, open / rampTook))
                .put("open when measured", openAtMeasure)
                .put("open after the hold", openAfterHold + " of " + open + " (held " + hold + " s)")
                .put("gateway sockets (its gauge)", before.gatewayConnections() + " before, " + after.gatewayConnections() + " after ramp")
                .put("gateway heap before / after", mib(before.heapBytes()) + " / " + mib(after.heapBytes())
                        + (after.gcRequested() ? " (after jcmd GC.run)" : " (no GC requested)"))
                .put("gateway RSS before / after", before.rssBytes() < 0 ? "unknown (no --gateway-pid)"
                        : mib(before.rssBytes()) + " / " + mib(after.rssBytes()))
                .put("gateway heap / RSS at half way", mib(mid.heapBytes()) + " / " + mib(mid.rssBytes()) + " with " + openAtMid + " open")
                .put("heap per socket, all (incl. one-time warm-up)", kib(heapPer))
                .put("RSS per socket, all (incl. one-time warm-up)", before.rssBytes() < 0 ? "unknown" : kib(rssPer))
                .put("heap per socket, marginal (second half)", kib(heapMarginal))
                .put("RSS per socket, marginal (second half)", before.rssBytes() < 0 ? "unknown" : kib(rssMarginal))
                .put("heap after hold (no GC)", mib(afterHold.heapBytes()))
                .put("after closing all: heap / RSS", mib(released.heapBytes()) + " / " + mib(released.rssBytes()));
        r.latencies.put("handshake: connect → 101 upgrade", upgrade);
        r.latencies.put("handshake: connect → hello", hello);
        r.throughput = stats.series(0, rampEnd);
        r.errors = stats.errors();
        r.cpu = SystemProbe.cpuBetween(cpu0, cpu1);
        r.machineCpu = MachineSpeed.split(cpu0.machine(), cpu1.machine());
        r.cpuWindow = String.format(Locale.ROOT, "during the %.1f s ramp", rampTook);
        r.checks.put("all " + n + " sockets opened", open == n);
        r.checks.put("no socket closed by the server while idle", stats.errors().keySet().stream().noneMatch(k -> k.startsWith("closed")));
        r.checks.put("target: heap per socket < 20 KiB (all)", heapPer < 20 * 1024);
        if (before.rssBytes() >= 0) {
            r.checks.put("target: RSS per socket < 20 KiB (marginal)", rssMarginal < 20 * 1024);
            r.checks.put("RSS per socket < 20 KiB (all, incl. warm-up)", rssPer < 20 * 1024);
        }
        r.notes.add("memory per socket, all = (after - before) / sockets open at the measurement; marginal = (after - half way) / "
                + "sockets opened in the second half, which leaves out the gateway's one-time warm-up; heap = sum of jvm_memory_used_bytes{area=heap} "
                + "from the gateway's /q/metrics" + (gc ? ", each read right after 'jcmd <pid> GC.run'" : " without a forced GC")
                + "; RSS = VmRSS of /proc/<gateway pid>/status. RSS also holds the JVM's heap growth, which it does not give back.");
        return r;
    }

    static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}

package io.chat.loadtest;

import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 2: U users in rooms of S members send M messages per second in total for D seconds, through the whole
 * pipeline (gateway → Kafka → message-service → PostgreSQL → Kafka → gateways). Open loop: message i is due at
 * {@code start + i/M} whatever happened to earlier ones, and every latency is measured from that due time, so a
 * stall shows up in the latencies instead of silently lowering the rate (no coordinated omission).
 * Every room member's socket (the sender's own included: it stands for the sender's other devices) must
 * receive every acked message exactly once per {@code (room, seq)} and in seq order.
 */
final class ChatScenario implements Bench.Scenario {
    /** By the second each message was due: a stall shows as the seconds whose messages waited for it. */
    static final String WORST_DELIVERED = "send → delivered, worst by second of sending";
    static final String WORST_TO_HANDLED = "split: send → handled, worst by second of sending";
    static final String WORST_HANDLED_TO_FIRST = "split: handled → first recipient, worst by second of sending";

    @Override
    public Result run(Bench.Ctx ctx) throws Exception {
        return run(ctx, ctx.opts.dbl("rate", 50));
    }

    /** One run at {@code rate} msg/s, every other option from the command line ({@link SweepScenario} sets the rate). */
    Result run(Bench.Ctx ctx, double rate) throws Exception {
        Options o = ctx.opts;
        int userCount = o.integer("users", 200);
        int roomSize = o.integer("room-size", 10);
        int duration = o.integer("duration", 10);
        int drain = o.integer("drain", 20);
        int warmup = o.integer("warmup", 0);
        boolean profile = o.flag("profile", false);
        Profiler.Event profileEvent = Profiler.Event.of(o.str("profile-event", "cpu"));
        String profilerLib = o.str("profiler-lib", "");
        if (profile && profilerLib.isEmpty()) {
            throw new IllegalArgumentException("--profile needs --profiler-lib (scripts/bench.sh fetches async-profiler and passes it)");
        }
        if (roomSize < 1 || userCount < roomSize || userCount % roomSize != 0) {
            throw new IllegalArgumentException("--users must be a multiple of --room-size");
        }
        int roomCount = userCount / roomSize;
        int total = (int) Math.round(rate * duration);
        int warmupCount = (int) Math.round(rate * warmup);
        List<UserPool.User> users = ctx.users(userCount, Duration.ofSeconds(duration + drain + 300));

        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        String run = HexFormat.of().formatHex(rnd);
        String prefix = "b" + run + "-";

        ctx.progress.phase("creating " + roomCount + " rooms of " + roomSize);
        String[] rooms = Api.boundedAll(roomCount, 8, Duration.ofMinutes(10), k -> {
            UserPool.User owner = users.get(k * roomSize);
            List<String> others = users.subList(k * roomSize + 1, (k + 1) * roomSize).stream().map(u -> u.userId).toList();
            return ctx.api.createRoom(owner, "bench " + run + " " + k, others);
        }, "room creation").toArray(String[]::new);

        Result r = new Result("chat");
        Stats stats = new Stats(System.nanoTime());
        Histogram ack = Stats.newHistogram();
        Histogram delivered = Stats.newHistogram();
        Histogram schedLag = Stats.newHistogram();
        // where the time goes: a message's ts is taken by message-service when it handles the send (its clock is
        // this machine's), which splits send → delivered in two at the first recipient
        Histogram toHandled = Stats.newHistogram();
        Histogram handledToFirst = Stats.newHistogram();
        long wall0Micros = System.currentTimeMillis() * 1000;
        long nano0 = System.nanoTime();
        AtomicLongArray due = new AtomicLongArray(total);
        AtomicIntegerArray state = new AtomicIntegerArray(total); // 0 pending, 1 acked, 2 error
        AtomicIntegerArray deliveries = new AtomicIntegerArray(total);
        AtomicLong duplicates = new AtomicLong();
        AtomicLong orderViolations = new AtomicLong();
        AtomicLong foreign = new AtomicLong();
        AtomicLong framesIn = new AtomicLong();
        AtomicLong ackedCount = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong deliveredCount = new AtomicLong();
        AtomicLong closedDuringRun = new AtomicLong();
        int prefixLength = prefix.length();

        List<Conn> conns = new ArrayList<>(userCount);
        for (int i = 0; i < userCount; i++) {
            Conn c = new Conn(i, users.get(i));
            c.onFrame((conn, f) -> {
                framesIn.incrementAndGet();
                String type = f.type();
                if ("message.new".equals(type)) {
                    String cm = f.clientMsgId();
                    if (cm == null || !cm.startsWith(prefix)) {
                        foreign.incrementAndGet();
                        return;
                    }
                    int m = Integer.parseInt(cm, prefixLength, cm.length(), 10);
                    long now = System.nanoTime();
                    switch (conn.seen.offer(f.room(), f.seq())) {
                        case DUPLICATE -> duplicates.incrementAndGet();
                        case OUT_OF_ORDER, NEW -> {
                            if (conn.seen.last(f.room()) != f.seq()) {
                                orderViolations.incrementAndGet();
                            }
                            int copies = deliveries.incrementAndGet(m);
                            deliveredCount.incrementAndGet();
                            if (m >= warmupCount) {
                                long latency = now - due.get(m);
                                Stats.recordNanos(delivered, latency);
                                stats.worst(WORST_DELIVERED, due.get(m), latency / 1_000_000);
                                long handled = copies == 1 ? micros(f.ts()) : -1;
                                if (handled > 0) {
                                    long dueMicros = wall0Micros + (due.get(m) - nano0) / 1000;
                                    long nowMicros = wall0Micros + (now - nano0) / 1000;
                                    // clocks agree only to the millisecond: a small negative difference counts as 0
                                    long toHandledMicros = Math.max(0, handled - dueMicros);
                                    long toFirstMicros = Math.max(0, nowMicros - handled);
                                    Stats.recordNanos(toHandled, toHandledMicros * 1000);
                                    Stats.recordNanos(handledToFirst, toFirstMicros * 1000);
                                    stats.worst(WORST_TO_HANDLED, due.get(m), toHandledMicros / 1000);
                                    stats.worst(WORST_HANDLED_TO_FIRST, due.get(m), toFirstMicros / 1000);
                                }
                            }
                            stats.tick("delivered", now);
                        }
                    }
                } else if (("ack".equals(type) || "error".equals(type)) && f.ref() != null && f.ref().startsWith("m")) {
                    int m = Integer.parseInt(f.ref(), 1, f.ref().length(), 10);
                    long now = System.nanoTime();
                    if (!state.compareAndSet(m, 0, "ack".equals(type) ? 1 : 2)) {
                        stats.error("second answer to one command");
                        return;
                    }
                    answered.incrementAndGet();
                    if ("ack".equals(type)) {
                        ackedCount.incrementAndGet();
                        if (m >= warmupCount) {
                            Stats.recordNanos(ack, now - due.get(m));
                        }
                        stats.tick("acked", now);
                    } else {
                        stats.error(f.code() + ": " + f.message());
                        stats.tick("errors", now);
                    }
                }
            });
            c.onClose(() -> closedDuringRun.incrementAndGet());
            conns.add(c);
        }
        int open = ctx.connectAll(conns, o.dbl("connect-rate", 500), 200, null, null, stats, Duration.ofMinutes(10));
        if (open < userCount) {
            throw new IllegalStateException("only " + open + " of " + userCount + " sockets opened: " + stats.errors());
        }
        ctx.settle(framesIn, 2000, Duration.ofSeconds(60));
        com.fasterxml.jackson.databind.JsonNode limits = conns.get(0).helloFrame == null ? null : conns.get(0).helloFrame.path("limits");
        double perUserPerMinute = rate * 60 / userCount;
        if (limits != null && limits.has("sendPerMinute") && perUserPerMinute > limits.path("sendPerMinute").asDouble() * 0.9) {
            String warn = String.format(Locale.ROOT, "each user sends %.0f msg/min but the gateway allows %d/min (burst %d): expect rate_limited "
                    + "errors; start the gateway with raised limits (docs/benchmarks.md)", perUserPerMinute,
                    limits.path("sendPerMinute").asInt(), limits.path("sendBurst").asInt());
            System.err.println("\nWARNING: " + warn);
            r.notes.add(warn);
        }
        closedDuringRun.set(0);

        // ---- the measured phase: open-loop sending on one scheduler thread
        Path profiles = Report.dir(r, ctx.out).resolve("profiles");
        Map<Long, String> jvms = SystemProbe.systemJvms();
        Profiler profiler = profile ? Profiler.start(profilerLib, profiles, jvms, profileEvent) : null;
        // the load generator's own pauses too: a pause here makes sends late and receptions look late, which is in the latencies
        Map<Long, String> paused = new TreeMap<>(jvms);
        paused.put(ProcessHandle.current().pid(), SystemProbe.SELF);
        GcPauses.Snapshot gc0 = GcPauses.snapshot(paused);
        SystemProbe.CpuSnapshot cpu0 = SystemProbe.cpuSnapshot();
        // this JVM starts cold every run: its JIT compiles the receive path while the system is loaded (docs/benchmarks.md)
        long jit0 = SystemProbe.selfCompilerCpuMillis();
        // the schedule starts once the probes are done: jstat and the profiler's attach take a second or more, and a
        // schedule fixed before them began every run with that second's messages sent at once, late
        long start = System.nanoTime() + 100_000_000L;
        long interval = (long) (1e9 / rate);
        int sendStartSecond = stats.secondOf(start);
        AtomicLong sent = new AtomicLong();
        ctx.progress.phase(String.format(Locale.ROOT, "sending %d msg/s for %d s to %d rooms of %d", (long) rate, duration, roomCount, roomSize),
                () -> String.format(Locale.ROOT, "sent %d/%d, acked %d, errors %d, delivered %d", sent.get(), total, ackedCount.get(),
                        stats.totalErrors(), deliveredCount.get()));
        Thread scheduler = new Thread(() -> {
            for (int m = 0; m < total; m++) {
                long at = start + m * interval;
                long now;
                while ((now = System.nanoTime()) < at) {
                    LockSupport.parkNanos(at - now);
                }
                due.set(m, at);
                int u = m % userCount;
                Conn c = conns.get(u);
                c.send("{\"type\":\"message.send\",\"id\":\"m" + m + "\",\"room\":\"" + rooms[u / roomSize] + "\",\"clientMsgId\":\""
                        + prefix + m + "\",\"text\":\"bench " + prefix + m + "\"}");
                long written = System.nanoTime();
                Stats.recordNanos(schedLag, written - at);
                stats.tick("sent", written);
                sent.incrementAndGet();
            }
        }, "open-loop-scheduler");
        scheduler.start();
        scheduler.join();
        long sendEnd = System.nanoTime();
        SystemProbe.CpuSnapshot cpu1 = SystemProbe.cpuSnapshot();
        long jitMs = SystemProbe.selfCompilerCpuMillis() - jit0;
        if (profiler != null) {
            List<Path> written = profiler.stop();
            r.notes.add(profileEvent.label + " profiles of the sending window (" + written.size() + " flame graphs, the profiler's cost "
                    + "included in these latencies): " + profiles);
            r.notes.addAll(profiler.problems());
        }

        long drainEnd = System.nanoTime() + drain * 1_000_000_000L;
        ctx.progress.phase("draining (up to " + drain + " s)", () -> String.format(Locale.ROOT,
                "answered %d/%d, delivered %d/%d", answered.get(), total, deliveredCount.get(), ackedCount.get() * roomSize));
        while (System.nanoTime() < drainEnd && (answered.get() < total || deliveredCount.get() < ackedCount.get() * roomSize)) {
            Bench.sleep(50);
        }
        Bench.sleep(1000); // late duplicates
        // after the drain: jstat's JVMs would take the CPU that the last messages in flight wait for
        GcPauses.Snapshot gc1 = GcPauses.snapshot(gc0.names());
        int endSecond = stats.secondOf(System.nanoTime()) + 1;
        ctx.progress.phase("closing");
        long closedBeforeEnd = closedDuringRun.get();
        ctx.closeAll(conns);
        ctx.leaveRooms(List.of(rooms), k -> users.subList(k * roomSize, (k + 1) * roomSize));

        long expected = 0;
        long lost = 0;
        for (int m = 0; m < total; m++) {
            if (state.get(m) == 1) {
                expected += roomSize;
                lost += Math.max(0, roomSize - deliveries.get(m));
            }
        }
        long unanswered = total - answered.get();
        double sendSeconds = (sendEnd - start) / 1e9;
        r.put("rooms x members", roomCount + " x " + roomSize + " (" + userCount + " users, one socket each)")
                .put("rate requested", String.format(Locale.ROOT, "%.0f msg/s for %d s (%d messages)", rate, duration, total))
                .put("rate achieved (sent)", String.format(Locale.ROOT, "%.1f msg/s", sent.get() / sendSeconds))
                .put("acked", ackedCount.get())
                .put("errors (see by code)", stats.totalErrors())
                .put("unanswered after drain", unanswered)
                .put("deliveries expected (acked x members)", expected)
                .put("deliveries received (unique)", deliveredCount.get())
                .put("lost (expected - received)", lost)
                .put("duplicates dropped by (room, seq)", duplicates.get())
                .put("order violations", orderViolations.get())
                .put("sockets closed during the run", closedBeforeEnd)
                .put("frames from other traffic", foreign.get())
                .put("load generator's JIT during sending", jit0 < 0 ? "unknown (no /proc)" : String.format(Locale.ROOT,
                        "%.1f s of CPU (its compiler threads, on the same cores)", jitMs / 1000.0));
        if (warmupCount > 0) {
            r.put("warm-up excluded from latencies", warmupCount + " messages (" + warmup + " s)");
        }
        r.latencies.put("send → ack", ack);
        r.latencies.put("send → delivered (every recipient)", delivered);
        r.latencies.put("split: send → handled by message-service (message ts)", toHandled);
        r.latencies.put("split: handled → first recipient", handledToFirst);
        r.latencies.put("load generator: due → written", schedLag);
        r.throughput = stats.series(sendStartSecond, endSecond);
        r.worstPerSecondMs = stats.worstSeries(sendStartSecond, endSecond);
        long[] worst = r.worstPerSecondMs.get(WORST_DELIVERED);
        if (worst != null) {
            r.put("worst seconds of sending (delivered max)", worstSeconds(worst, 3));
        }
        r.errors = stats.errors();
        r.cpu = SystemProbe.cpuBetween(cpu0, cpu1);
        r.machineCpu = MachineSpeed.split(cpu0.machine(), cpu1.machine());
        r.cpuWindow = String.format(Locale.ROOT, "during the %.0f s of sending", sendSeconds);
        r.gcPauses = GcPauses.between(gc0, gc1);
        r.checks.put("every message answered", unanswered == 0);
        r.checks.put("no errors", stats.totalErrors() == 0);
        r.checks.put("zero loss", lost == 0);
        r.checks.put("zero duplicates", duplicates.get() == 0);
        r.checks.put("zero order violations", orderViolations.get() == 0);
        r.checks.put("target: send → delivered p99 < 50 ms", delivered.getTotalCount() > 0 && delivered.getValueAtPercentile(99) < 50_000);
        r.notes.add("latencies are measured from each message's scheduled send time (open loop), in the load generator's clock");
        return r;
    }

    /** @return the {@code n} seconds with the largest values, largest first: "second 12: 250 ms, ..." */
    static String worstSeconds(long[] bySecond, int n) {
        return java.util.stream.IntStream.range(0, bySecond.length).boxed()
                .sorted((a, b) -> Long.compare(bySecond[b], bySecond[a])).limit(n)
                .map(i -> "second " + i + ": " + bySecond[i] + " ms").collect(java.util.stream.Collectors.joining(", "));
    }

    /** @return the ISO-8601 time in microseconds since the epoch, or -1 when absent or unreadable */
    private static long micros(String iso) {
        if (iso == null) {
            return -1;
        }
        try {
            Instant t = Instant.parse(iso);
            return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }
}

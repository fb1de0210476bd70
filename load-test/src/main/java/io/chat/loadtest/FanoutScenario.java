package io.chat.loadtest;

import org.HdrHistogram.Histogram;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 3: one room of N members, all connected; K messages, one every interval, each sent by a different
 * member. For each message: the time from its scheduled send until the last of the N members' sockets has it
 * (the sender's own socket included), and the spread between first and last.
 */
final class FanoutScenario implements Bench.Scenario {
    @Override
    public Result run(Bench.Ctx ctx) throws Exception {
        Options o = ctx.opts;
        int n = o.integer("members", 1000);
        int k = o.integer("messages", 20);
        long intervalMs = o.integer("interval-ms", 1000);
        int drain = o.integer("drain", 30);
        if (n < 2 || n > 1001) {
            throw new IllegalArgumentException("--members is 2..1001 (message-service takes at most 1000 others at room creation)");
        }
        List<UserPool.User> users = ctx.users(n, Duration.ofSeconds(k * intervalMs / 1000 + drain + 600));
        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        String run = HexFormat.of().formatHex(rnd);
        String prefix = "f" + run + "-";

        ctx.progress.phase("creating one room of " + n);
        String room = Api.await(ctx.api.createRoom(users.get(0), "bench fanout " + run,
                users.subList(1, n).stream().map(u -> u.userId).toList()), Duration.ofMinutes(2));

        Result r = new Result("fanout");
        Stats stats = new Stats(System.nanoTime());
        Histogram all = Stats.newHistogram();
        Histogram first = Stats.newHistogram();
        Histogram each = Stats.newHistogram();
        Histogram ack = Stats.newHistogram();
        AtomicLongArray due = new AtomicLongArray(k);
        AtomicLongArray firstAt = new AtomicLongArray(k);
        AtomicIntegerArray count = new AtomicIntegerArray(k);
        AtomicLong framesIn = new AtomicLong();
        AtomicLong complete = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong order = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicLong closed = new AtomicLong();
        Histogram spread = Stats.newHistogram();

        List<Conn> conns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Conn c = new Conn(i, users.get(i));
            c.onFrame((conn, f) -> {
                framesIn.incrementAndGet();
                if ("message.new".equals(f.type()) && f.clientMsgId() != null && f.clientMsgId().startsWith(prefix)) {
                    int m = Integer.parseInt(f.clientMsgId(), prefix.length(), f.clientMsgId().length(), 10);
                    long now = System.nanoTime();
                    SeqTracker.Outcome out = conn.seen.offer(f.room(), f.seq());
                    if (out == SeqTracker.Outcome.DUPLICATE) {
                        duplicates.incrementAndGet();
                        return;
                    }
                    if (out == SeqTracker.Outcome.OUT_OF_ORDER) {
                        order.incrementAndGet();
                    }
                    Stats.recordNanos(each, now - due.get(m));
                    stats.tick("delivered", now);
                    if (firstAt.compareAndSet(m, 0, now)) {
                        Stats.recordNanos(first, now - due.get(m));
                    }
                    if (count.incrementAndGet(m) == n) {
                        Stats.recordNanos(all, now - due.get(m));
                        Stats.recordNanos(spread, now - firstAt.get(m));
                        complete.incrementAndGet();
                    }
                } else if ("ack".equals(f.type()) && f.ref() != null && f.ref().startsWith("f")) {
                    int m = Integer.parseInt(f.ref(), 1, f.ref().length(), 10);
                    Stats.recordNanos(ack, System.nanoTime() - due.get(m));
                    acked.incrementAndGet();
                } else if ("error".equals(f.type())) {
                    stats.error(f.code() + ": " + f.message());
                }
            });
            c.onClose(closed::incrementAndGet);
            conns.add(c);
        }
        int open = ctx.connectAll(conns, o.dbl("connect-rate", 500), 200, null, null, stats, Duration.ofMinutes(10));
        if (open < n) {
            throw new IllegalStateException("only " + open + " of " + n + " sockets opened: " + stats.errors());
        }
        long settleStart = System.nanoTime();
        ctx.settle(framesIn, 3000, Duration.ofSeconds(o.integer("settle-max", 300)));
        double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
        long framesAfterConnect = framesIn.get();
        closed.set(0);

        long start = System.nanoTime() + 200_000_000L;
        int startSecond = stats.secondOf(start);
        AtomicLong sent = new AtomicLong();
        ctx.progress.phase("sending " + k + " messages into the room of " + n, () -> String.format(Locale.ROOT,
                "sent %d, acked %d, reached all %d", sent.get(), acked.get(), complete.get()));
        SystemProbe.CpuSnapshot cpu0 = SystemProbe.cpuSnapshot();
        for (int m = 0; m < k; m++) {
            long at = start + m * intervalMs * 1_000_000L;
            long now;
            while ((now = System.nanoTime()) < at) {
                LockSupport.parkNanos(at - now);
            }
            due.set(m, at);
            conns.get(m % n).send("{\"type\":\"message.send\",\"id\":\"f" + m + "\",\"room\":\"" + room + "\",\"clientMsgId\":\""
                    + prefix + m + "\",\"text\":\"fanout " + prefix + m + "\"}");
            stats.tick("sent", System.nanoTime());
            sent.incrementAndGet();
        }
        long end = System.nanoTime() + drain * 1_000_000_000L;
        while (System.nanoTime() < end && complete.get() < k) {
            Bench.sleep(50);
        }
        Bench.sleep(500);
        SystemProbe.CpuSnapshot cpu1 = SystemProbe.cpuSnapshot();
        int endSecond = stats.secondOf(System.nanoTime()) + 1;
        ctx.progress.phase("closing");
        long closedDuring = closed.get();
        ctx.closeAll(conns);
        ctx.leaveRooms(List.of(room), x -> users);

        long missing = 0;
        for (int m = 0; m < k; m++) {
            missing += Math.max(0, n - count.get(m));
        }
        r.put("room members (sockets)", n)
                .put("messages", k + ", one every " + intervalMs + " ms, each from a different member")
                .put("connect traffic before sending", framesAfterConnect + " frames (presence of " + n + " members), settled in "
                        + String.format(Locale.ROOT, "%.1f s", settleSeconds))
                .put("acked", acked.get())
                .put("messages that reached all members", complete.get() + " of " + k)
                .put("deliveries missing", missing)
                .put("duplicates dropped by (room, seq)", duplicates.get())
                .put("order violations", order.get())
                .put("sockets closed during the run", closedDuring);
        r.latencies.put("send → reached all " + n + " members", all);
        r.latencies.put("send → first member", first);
        r.latencies.put("first → last member (spread)", spread);
        r.latencies.put("send → delivered (each member)", each);
        r.latencies.put("send → ack", ack);
        r.throughput = stats.series(startSecond, endSecond);
        r.errors = stats.errors();
        r.cpu = SystemProbe.cpuBetween(cpu0, cpu1);
        r.cpuWindow = "while sending and delivering";
        r.checks.put("every message reached every member", missing == 0);
        r.checks.put("zero duplicates", duplicates.get() == 0);
        r.checks.put("zero order violations", order.get() == 0);
        r.checks.put("no errors", stats.totalErrors() == 0);
        return r;
    }
}

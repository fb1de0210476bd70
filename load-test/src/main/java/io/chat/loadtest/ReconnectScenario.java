package io.chat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import org.HdrHistogram.Histogram;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Scenario 4: C clients in rooms of S members. One live message per room reaches them; then all C sockets drop
 * at once; meanwhile each room's writer (a member who stays connected) sends X more messages; then all C clients
 * reconnect at once and each sends {@code sync} with its last seen seq, paging over REST when the answer is not
 * complete. Measured: the time until every client holds every message of its room, and whether any is missing.
 */
final class ReconnectScenario implements Bench.Scenario {
    /** Per client: its room; all seen-state lives in the Conn's SeqTracker, guarded by the Conn. */
    static final class Client {
        final int room;
        boolean done;

        Client(int room) {
            this.room = room;
        }

        int room() {
            return room;
        }
    }

    @Override
    public Result run(Bench.Ctx ctx) throws Exception {
        Options o = ctx.opts;
        int c = o.integer("clients", 500);
        int s = o.integer("room-size", 10);
        int missed = o.integer("missed", 3);
        int deadline = o.integer("deadline", 120);
        // one writer per room by default, so that no writer goes past the default send burst of 10
        int perWriter = o.integer("rooms-per-writer", 1);
        if (s < 1 || c % s != 0) {
            throw new IllegalArgumentException("--clients must be a multiple of --room-size");
        }
        int rooms = c / s;
        int writerCount = (rooms + perWriter - 1) / perWriter;
        // accounts 0..c-1 are the clients, c.. the writers; room k's writer is account c + k / perWriter
        List<UserPool.User> users = ctx.users(c + writerCount, Duration.ofSeconds(deadline * 2L + 600));
        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        String run = HexFormat.of().formatHex(rnd);

        ctx.progress.phase("creating " + rooms + " rooms of " + s + " clients + 1 writer");
        String[] roomIds = Api.boundedAll(rooms, 8, Duration.ofMinutes(10), k -> ctx.api.createRoom(users.get(c + k / perWriter),
                "bench reconnect " + run + " " + k, users.subList(k * s, (k + 1) * s).stream().map(u -> u.userId).toList()), "room creation").toArray(String[]::new);
        java.util.Map<String, Integer> roomIndex = new java.util.HashMap<>();
        for (int k = 0; k < rooms; k++) {
            roomIndex.put(roomIds[k], k);
        }

        Result r = new Result("reconnect");
        Stats stats = new Stats(System.nanoTime());
        AtomicLongArray finalSeq = new AtomicLongArray(rooms); // highest acked seq per room
        AtomicLong framesIn = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong order = new AtomicLong();
        AtomicLong writerAcks = new AtomicLong();
        AtomicLong syncAcks = new AtomicLong();
        AtomicLong pagedOverRest = new AtomicLong();
        AtomicLong syncRetries = new AtomicLong();
        AtomicInteger caughtUp = new AtomicInteger();
        AtomicLong liveHave = new AtomicLong();
        Histogram catchUpEach = Stats.newHistogram();
        Histogram helloEach = Stats.newHistogram();
        Histogram upgradeEach = Stats.newHistogram();
        java.util.concurrent.atomic.AtomicLong reconnectStart = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean reconnecting = new java.util.concurrent.atomic.AtomicBoolean();

        List<Conn> clients = new ArrayList<>(c);
        List<Conn> writers = new ArrayList<>(writerCount);
        for (int i = 0; i < c; i++) {
            Conn conn = new Conn(i, users.get(i));
            conn.attachment = new Client(i / s);
            conn.onFrame((cn, f) -> {
                framesIn.incrementAndGet();
                int room = ((Client) cn.attachment).room();
                if ("message.new".equals(f.type()) && roomIds[room].equals(f.room())) {
                    offer(cn, f.room(), f.seq(), duplicates, order);
                    if (!reconnecting.get() && f.seq() == 1) {
                        liveHave.incrementAndGet();
                    }
                    checkCaughtUp(cn, roomIds[room], finalSeq.get(room), reconnecting.get(), reconnectStart.get(), caughtUp, catchUpEach, stats);
                } else if ("hello".equals(f.type()) && reconnecting.get()) {
                    long last;
                    synchronized (cn) {
                        last = cn.seen.last(roomIds[room]);
                    }
                    cn.send("{\"type\":\"sync\",\"id\":\"s" + cn.index + "\",\"rooms\":{\"" + roomIds[room] + "\":" + last + "}}");
                } else if ("ack".equals(f.type()) && f.hasRooms()) {
                    syncAcks.incrementAndGet();
                    JsonNode res = f.tree().path("rooms").path(roomIds[room]);
                    for (JsonNode m : res.path("messages")) {
                        offer(cn, roomIds[room], m.path("seq").asLong(), duplicates, order);
                    }
                    if (!res.path("complete").asBoolean(true)) {
                        pagedOverRest.incrementAndGet();
                        page(ctx, cn, roomIds[room], finalSeq.get(room), duplicates, order).onComplete(x ->
                                checkCaughtUp(cn, roomIds[room], finalSeq.get(room), true, reconnectStart.get(), caughtUp, catchUpEach, stats));
                    } else {
                        checkCaughtUp(cn, roomIds[room], finalSeq.get(room), true, reconnectStart.get(), caughtUp, catchUpEach, stats);
                    }
                } else if ("error".equals(f.type())) {
                    boolean sync = f.ref() != null && f.ref().startsWith("s");
                    stats.error((sync ? "sync: " : "") + f.code());
                    // a client retries a retryable answer after the time it was given, as the contract says
                    if (sync && ("unavailable".equals(f.code()) || "rate_limited".equals(f.code())) && syncRetries.incrementAndGet() < 10L * c) {
                        long wait = Math.max(100, f.retryAfterMs() > 0 ? f.retryAfterMs() : 500);
                        ctx.vertx.setTimer(wait, t -> {
                            long last;
                            synchronized (cn) {
                                last = cn.seen.last(roomIds[room]);
                            }
                            cn.send("{\"type\":\"sync\",\"id\":\"s" + cn.index + "r" + t + "\",\"rooms\":{\"" + roomIds[room] + "\":" + last + "}}");
                        });
                    }
                }
            });
            clients.add(conn);
        }
        for (int w = 0; w < writerCount; w++) {
            Conn wc = new Conn(c + w, users.get(c + w));
            wc.onFrame((cn, f) -> {
                framesIn.incrementAndGet();
                if ("ack".equals(f.type()) && f.ref() != null && f.ref().startsWith("w") && f.room() != null) {
                    writerAcks.incrementAndGet();
                    Integer room = roomIndex.get(f.room());
                    if (room != null) {
                        finalSeq.accumulateAndGet(room, f.seq(), Math::max);
                    }
                } else if ("error".equals(f.type())) {
                    stats.error("writer: " + f.code());
                }
            });
            writers.add(wc);
        }
        List<Conn> everyone = new ArrayList<>(clients);
        everyone.addAll(writers);
        int open = ctx.connectAll(everyone, o.dbl("connect-rate", 500), 200, null, null, stats, Duration.ofMinutes(10));
        if (open < everyone.size()) {
            throw new IllegalStateException("only " + open + " of " + everyone.size() + " sockets opened: " + stats.errors());
        }
        ctx.settle(framesIn, 2000, Duration.ofSeconds(120));

        // live: one message per room, which every client must get while connected
        ctx.progress.phase("one live message per room", () -> "clients that have it " + liveHave.get() + "/" + c);
        for (int k = 0; k < rooms; k++) {
            writers.get(k / perWriter).send(send("w0-" + k, roomIds[k], run + "-" + k + "-live"));
        }
        waitFor(() -> liveHave.get() >= c && writerAcks.get() >= rooms, 60);

        // drop every client at once
        ctx.progress.phase("dropping " + c + " clients at once");
        ctx.closeAll(clients);
        Bench.sleep(1000);

        ctx.progress.phase("sending " + missed + " messages per room while the clients are away", () -> "acked " + writerAcks.get());
        long acksBefore = writerAcks.get();
        for (int x = 1; x <= missed; x++) {
            for (int k = 0; k < rooms; k++) {
                writers.get(k / perWriter).send(send("w" + x + "-" + k, roomIds[k], run + "-" + k + "-missed-" + x));
            }
        }
        waitFor(() -> writerAcks.get() >= acksBefore + (long) missed * rooms, 120);

        // reconnect all at once, each syncs on hello
        reconnecting.set(true);
        SystemProbe.CpuSnapshot cpu0 = SystemProbe.cpuSnapshot();
        reconnectStart.set(System.nanoTime());
        int startSecond = stats.secondOf(reconnectStart.get());
        Thread connector = new Thread(() -> ctx.connectAll(clients, 0, c, upgradeEach, helloEach, stats,
                Duration.ofSeconds(deadline)), "reconnect");
        connector.start();
        long end = reconnectStart.get() + deadline * 1_000_000_000L;
        while (System.nanoTime() < end && caughtUp.get() < c) {
            Bench.sleep(20);
        }
        long allCaughtUpNanos = caughtUp.get() >= c ? System.nanoTime() - reconnectStart.get() : -1;
        ctx.progress.phase("results");
        connector.join(deadline * 1000L);
        SystemProbe.CpuSnapshot cpu1 = SystemProbe.cpuSnapshot();
        int endSecond = stats.secondOf(System.nanoTime()) + 1;

        long missing = 0;
        for (Conn conn : clients) {
            int room = ((Client) conn.attachment).room();
            synchronized (conn) {
                missing += conn.seen.missing(roomIds[room], 1, finalSeq.get(room));
            }
        }
        long lastHello = clients.stream().mapToLong(x -> x.helloNanos).max().orElse(0);
        ctx.progress.phase("closing");
        ctx.closeAll(everyone);
        ctx.leaveRooms(List.of(roomIds), k -> {
            List<UserPool.User> m = new ArrayList<>(users.subList(k * s, (k + 1) * s));
            m.add(users.get(c + k / perWriter));
            return m;
        });

        r.put("clients (rooms x members)", c + " (" + rooms + " x " + s + ", plus " + writerCount + " writers, " + perWriter + " room(s) each)")
                .put("messages per room", "1 live + " + missed + " sent while away")
                .put("clients caught up", caughtUp.get() + " of " + c)
                .put("time until all reconnected (hello)", lastHello == 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.2f s", (lastHello - reconnectStart.get()) / 1e9))
                .put("time until all caught up", allCaughtUpNanos < 0 ? "not within " + deadline + " s"
                        : String.format(Locale.ROOT, "%.2f s", allCaughtUpNanos / 1e9))
                .put("messages missing after sync", missing)
                .put("sync answers", syncAcks.get())
                .put("syncs that needed REST paging", pagedOverRest.get())
                .put("syncs retried after a retryable error", syncRetries.get())
                .put("duplicates dropped by (room, seq)", duplicates.get())
                .put("order violations", order.get());
        r.latencies.put("reconnect start → caught up (each client)", catchUpEach);
        r.latencies.put("reconnect: connect → hello (each client)", helloEach);
        r.latencies.put("reconnect: connect → 101 upgrade", upgradeEach);
        r.throughput = stats.series(startSecond, endSecond);
        r.errors = stats.errors();
        r.cpu = SystemProbe.cpuBetween(cpu0, cpu1);
        r.cpuWindow = "from the reconnect until all caught up";
        r.checks.put("every client caught up", caughtUp.get() == c);
        r.checks.put("nothing missed", missing == 0);
        r.checks.put("zero order violations", order.get() == 0);
        r.checks.put("no errors (retried ones included)", stats.totalErrors() == 0);
        r.notes.add("duplicates here are expected and harmless when a message arrives both live and in a sync answer; "
                + "clients drop them by (room, seq)");
        return r;
    }

    static String send(String id, String room, String unique) {
        return "{\"type\":\"message.send\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + unique
                + "\",\"text\":\"reconnect " + unique + "\"}";
    }

    static void offer(Conn cn, String room, long seq, AtomicLong duplicates, AtomicLong order) {
        synchronized (cn) {
            switch (cn.seen.offer(room, seq)) {
                case DUPLICATE -> duplicates.incrementAndGet();
                case OUT_OF_ORDER -> order.incrementAndGet();
                default -> { }
            }
        }
    }

    static void checkCaughtUp(Conn cn, String room, long finalSeq, boolean reconnecting, long start, AtomicInteger caughtUp,
            Histogram each, Stats stats) {
        if (!reconnecting || finalSeq == 0) {
            return;
        }
        synchronized (cn) {
            Client client = (Client) cn.attachment;
            if (!client.done && cn.seen.hasAll(room, 1, finalSeq)) {
                client.done = true; // counted once
                long now = System.nanoTime();
                Stats.recordNanos(each, now - start);
                stats.tick("caught up", now);
                caughtUp.incrementAndGet();
            }
        }
    }

    /** The rest of a room after an incomplete sync: {@code GET /api/rooms/{id}/messages?after=seq}, page by page. */
    static Future<Void> page(Bench.Ctx ctx, Conn cn, String room, long until, AtomicLong duplicates, AtomicLong order) {
        long after;
        synchronized (cn) {
            after = cn.seen.last(room);
        }
        if (after >= until) {
            return Future.succeededFuture();
        }
        return ctx.api.get("/api/rooms/" + room + "/messages?after=" + after + "&limit=100", cn.user.accessToken).compose(rep -> {
            if (!rep.ok()) {
                return Future.failedFuture("paging answered " + rep.status());
            }
            int n = 0;
            for (JsonNode m : rep.body().path("items")) {
                offer(cn, room, m.path("seq").asLong(), duplicates, order);
                n++;
            }
            return n == 0 ? Future.succeededFuture() : page(ctx, cn, room, until, duplicates, order);
        });
    }

    static void waitFor(java.util.function.BooleanSupplier done, int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end && !done.getAsBoolean()) {
            Bench.sleep(20);
        }
    }
}

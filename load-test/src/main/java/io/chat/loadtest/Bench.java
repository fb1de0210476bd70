package io.chat.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Entry point of {@code scripts/bench.sh SCENARIO [--option value ...]}: runs one scenario against a running
 * system, writes {@code <out>/<scenario>-<timestamp>/result.json} and {@code report.html}, prints the summary.
 */
public final class Bench {
    static final String USAGE = """
            usage: scripts/bench.sh SCENARIO [--option value ...]
              connections  ramp N authenticated idle sockets on one gateway: memory per socket, handshake latency
                           --connections 200 --conns-per-user 1 --rate 500 --in-flight 200 --settle 20 --hold 30
                           --local-addresses 127.0.0.1[,127.0.0.2,...] --gc true
              chat         U users in rooms of S members, M msg/s in total for D seconds, open loop
                           --users 200 --room-size 10 --rate 50 --duration 10 --drain 20 --warmup 0
                           --profile (flame graphs of every service JVM and Kafka over the sending window)
                           --profile-event cpu|alloc (with --profile: CPU time, or bytes allocated)
              sweep        the chat scenario at several rates, each run several times: median p99 per rate and
                           the highest rate that meets the target
                           --rates 500,1000,1500,2000 --repeat 3 --warm-up-runs 1 --target-p99-ms 50 --pause 5, and chat's options
              fanout       one room of N members; time for each message to reach all of them
                           --members 1000 --messages 20 --interval-ms 1000
              reconnect    C clients drop at once, messages are sent meanwhile, all reconnect and sync
                           --clients 500 --room-size 10 --missed 3 --deadline 120 --rooms-per-writer 1
              provision    only create (or top up) the account pool for later runs
                           --users 1000
            common: --url http://127.0.0.1:8080  --out load-test/target/bench  --gateway-pid PID
                    --provision-concurrency 4 (Argon2id-bound: auth-service hashes at most 4 at once by default)
            """;

    /** What every scenario shares. */
    public static final class Ctx {
        public final Options opts;
        public final String host;
        public final int port;
        public final Vertx vertx;
        public final Api api;
        public final UserPool pool;
        public final SystemProbe probe;
        public final Progress progress;
        /** Where the runs' folders go. */
        public final Path out;
        public final URI url;
        /** The machine's speed, measured before the scenario opened anything; null for provisioning. */
        MachineSpeed.Speed speed;
        public final List<WebSocketClient> clients = new ArrayList<>();
        private final AtomicInteger nextClient = new AtomicInteger();
        final int provisionConcurrency;

        Ctx(Options opts, URI url, Path out, Progress progress) throws Exception {
            this.opts = opts;
            this.host = url.getHost();
            this.port = url.getPort() < 0 ? 80 : url.getPort();
            this.progress = progress;
            this.out = out;
            this.url = url;
            this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
                    .setBlockedThreadCheckInterval(10_000).setWarningExceptionTime(30_000_000_000L));
            this.api = new Api(vertx, host, port);
            this.pool = UserPool.open(out, api);
            this.probe = new SystemProbe(api, Long.parseLong(opts.str("gateway-pid", "0")));
            this.provisionConcurrency = opts.integer("provision-concurrency", 4);
            for (String local : opts.str("local-addresses", "").split(",")) {
                WebSocketClientOptions o = new WebSocketClientOptions().setMaxConnections(1_000_000).setConnectTimeout(30_000)
                        .setMaxMessageSize(4 << 20).setMaxFrameSize(1 << 20).setTcpNoDelay(true).setIdleTimeout(0);
                if (!local.isBlank()) {
                    o.setLocalAddress(local.trim());
                }
                clients.add(vertx.createWebSocketClient(o));
            }
        }

        /** Accounts 0..n-1 with tokens valid for at least {@code validFor}. */
        public List<UserPool.User> users(int n, Duration validFor) throws Exception {
            return pool.ready(n, provisionConcurrency, validFor, progress);
        }

        public WebSocketClient client() {
            return clients.get(Math.floorMod(nextClient.getAndIncrement(), clients.size()));
        }

        /**
         * Opens the sockets at {@code rate} per second with at most {@code inFlight} handshakes at once; waits until
         * each has its hello or failed. Records handshake times (connect call → upgrade, and → hello) and failures.
         * @return how many are open
         */
        public int connectAll(List<Conn> conns, double rate, int inFlight, Histogram upgrade, Histogram hello, Stats stats,
                Duration timeout) {
            Semaphore slots = new Semaphore(inFlight);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            progress.phase("connecting " + conns.size() + " sockets", () -> String.format(Locale.ROOT,
                    "started %d, open %d, failed %d", started.get(), ok.get(), failed.get()));
            long t0 = System.nanoTime();
            long deadline = t0 + timeout.toNanos();
            long intervalNanos = rate <= 0 ? 0 : (long) (1e9 / rate);
            for (int i = 0; i < conns.size(); i++) {
                long due = t0 + i * intervalNanos;
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                try {
                    if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                Conn c = conns.get(i);
                started.incrementAndGet();
                c.connect(client(), host, port, c.user.accessToken, 60_000).onComplete(ar -> {
                    slots.release();
                    if (ar.succeeded()) {
                        if (upgrade != null) {
                            Stats.recordNanos(upgrade, c.upgradedNanos - c.connectStartNanos);
                        }
                        if (hello != null) {
                            Stats.recordNanos(hello, c.helloNanos - c.connectStartNanos);
                        }
                        ok.incrementAndGet();
                        stats.tick("sockets opened", System.nanoTime());
                    } else {
                        failed.incrementAndGet();
                        stats.error("connect:" + ar.cause().getMessage());
                    }
                });
            }
            try {
                while (ok.get() + failed.get() < started.get() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Sockets still waiting at the deadline are errors of their own kind, so that a hello that never came is
            // told apart from a handshake that never finished; the first few are named for the gateway's log.
            int named = 0;
            for (Conn c : conns.subList(0, started.get())) {
                if (c.connecting()) {
                    String kind = c.isOpen() ? "upgraded, no hello" : "no upgrade";
                    stats.error("connect: " + kind + " by the deadline");
                    if (named++ < 5) {
                        System.err.printf(Locale.ROOT, "socket %d (user %s): %s %.0f s after it started%n", c.index,
                                c.user.userId, kind, (System.nanoTime() - c.connectStartNanos) / 1e9);
                    }
                }
            }
            return ok.get();
        }

        /** Waits until the sockets received no frame for {@code quietMs} (e.g. presence after a mass connect), at most {@code max}. */
        public void settle(AtomicLong framesIn, long quietMs, Duration max) {
            long end = System.nanoTime() + max.toNanos();
            long last = framesIn.get();
            long lastChange = System.nanoTime();
            progress.phase("waiting for the connect traffic (presence) to settle", () -> "frames received " + framesIn.get());
            while (System.nanoTime() < end) {
                sleep(100);
                long now = framesIn.get();
                if (now != last) {
                    last = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > quietMs * 1_000_000) {
                    return;
                }
            }
        }

        /**
         * The members leave the run's rooms again ({@code DELETE /api/rooms/{id}/members/{self}}), so that accounts
         * reused by later runs do not pile up rooms (each would be loaded at every connect and fan out presence).
         * Skipped with {@code --leave false}.
         */
        public void leaveRooms(List<String> roomIds, java.util.function.IntFunction<List<UserPool.User>> members) {
            if (!opts.flag("leave", true)) {
                return;
            }
            List<String[]> pairs = new ArrayList<>();
            for (int k = 0; k < roomIds.size(); k++) {
                for (UserPool.User u : members.apply(k)) {
                    pairs.add(new String[] {roomIds.get(k), u.userId, u.accessToken});
                }
            }
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            progress.phase("leaving the run's rooms", () -> done.get() + "/" + pairs.size() + (failed.get() > 0 ? ", failed " + failed.get() : ""));
            try {
                Api.bounded(pairs.size(), 16, Duration.ofMinutes(10), i -> api.call(io.vertx.core.http.HttpMethod.DELETE,
                        "/api/rooms/" + pairs.get(i)[0] + "/members/" + pairs.get(i)[1], pairs.get(i)[2], null)
                        .map(r -> {
                            if (!r.ok()) {
                                failed.incrementAndGet();
                            }
                            done.incrementAndGet();
                            return r;
                        }), e -> failed.incrementAndGet());
            } catch (IllegalStateException e) {
                System.err.println("\nleaving rooms: " + e.getMessage());
            }
        }

        public void closeAll(List<Conn> conns) {
            for (Conn c : conns) {
                c.close();
            }
            long end = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < end && conns.stream().anyMatch(Conn::isOpen)) {
                sleep(50);
            }
        }
    }

    interface Scenario {
        Result run(Ctx ctx) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        String name = args[0];
        Options opts;
        try {
            opts = Options.parse(args, 1);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Scenario scenario = switch (name) {
            case "connections" -> new ConnectionsScenario();
            case "chat" -> new ChatScenario();
            case "fanout" -> new FanoutScenario();
            case "reconnect" -> new ReconnectScenario();
            case "provision" -> new ProvisionScenario();
            case "sweep" -> new SweepScenario();
            default -> null;
        };
        if (scenario == null) {
            System.err.println("unknown scenario '" + name + "'");
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        URI url = URI.create(opts.str("url", "http://127.0.0.1:8080"));
        Path out = Path.of(opts.str("out", "load-test/target/bench"));
        Result result;
        Ctx ctx = null;
        String loadAtStart = SystemProbe.loadAverage();
        // before any socket is open, so the system is as idle as it gets; provisioning is not a measurement
        MachineSpeed.Speed speed = name.equals("provision") ? null : MachineSpeed.measure();
        int exit = 0;
        try (Progress progress = new Progress(System.err)) {
            ctx = new Ctx(opts, url, out, progress);
            ctx.speed = speed;
            result = scenario.run(ctx);
        } catch (Exception e) {
            System.err.println("\nbench " + name + " failed: " + e.getMessage());
            if (ctx != null) {
                ctx.vertx.close();
            }
            System.exit(1);
            return;
        }
        Path dir = finish(result, opts, url, out, loadAtStart, speed);
        System.out.print(Report.summary(result, dir));
        if (result.checks.containsValue(false)) {
            exit = 3;
        }
        ctx.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(exit);
    }

    /** Fills in what every result has (times, options, machine), adds the notes about its options, writes its folder. */
    static Path finish(Result result, Options opts, URI url, Path out, String loadAtStart, MachineSpeed.Speed speed)
            throws java.io.IOException {
        result.finishedAt = Instant.now();
        result.gateway = url.toString();
        opts.used().forEach(result.options::putIfAbsent); // what the scenario set itself (a sweep's rate) stays
        result.machine.putAll(SystemProbe.machine());
        result.machine.put("loadAverageAtStart", loadAtStart);
        result.machine.put("loadAverageAtEnd", SystemProbe.loadAverage());
        if (speed != null) {
            result.machine.put("speed", speed.describe());
            result.machine.put("speedEventsTokenisedPerSecond", Math.round(speed.eventsPerSecond()));
            result.machine.put("speedSha256MiBPerSecond", Math.round(speed.sha256MiBPerSecond()));
        }
        if (!opts.unknown().isEmpty()) {
            result.notes.add("options not used by this scenario (typos?): " + opts.unknown());
        }
        if (result.errors.keySet().stream().anyMatch(k -> k.contains("rate_limited"))) {
            result.notes.add("RATE LIMITED: the gateway refused commands with rate_limited. Start it with raised limits, e.g. "
                    + "CHAT_GATEWAY_RATE_LIMITS_SEND_PER_MINUTE=1000000 CHAT_GATEWAY_RATE_LIMITS_SEND_BURST=100000 "
                    + "CHAT_GATEWAY_RATE_LIMITS_SYNC_PER_MINUTE=1000000 CHAT_GATEWAY_RATE_LIMITS_SYNC_BURST=100000 (docs/benchmarks.md)");
        }
        return Report.write(result, out);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.chat.e2e;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 connect/disconnect cycles against one gateway: afterwards its connection gauges are back
 * to zero, its room index is empty, and its heap after a full GC is back near where it started
 * (no per-socket state that outlives the socket).
 */
class SoakE2ETest {
    static final int CYCLES = 10_000;
    static final int USERS = 20;

    @Test
    void tenThousandConnectDisconnectCyclesLeaveNothingBehind() throws Exception {
        String pidFile = System.getenv("CHAT_GATEWAY_PID_FILE");
        assertNotNull(pidFile, "CHAT_GATEWAY_PID_FILE must be set (scripts/test.sh sets it)");
        long pid = Long.parseLong(Files.readString(Path.of(pidFile)).trim());
        List<Chat.User> users = new ArrayList<>();
        Chat.User partner = Chat.newUser("soak_partner");
        for (int i = 0; i < USERS; i++) {
            Chat.User u = Chat.newUser("soak_" + i);
            users.add(u);
            // a room each, so that every connect loads and every disconnect unloads the room index
            Chat.post(u, "/api/rooms", java.util.Map.of("kind", "direct", "members", List.of(partner.userId())))
                    .then().statusCode(201);
        }
        awaitMetric("chat_gateway_connections", 0);
        long heapBefore = heapAfterFullGc(pid);

        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(USERS);
        List<Future<?>> workers = new ArrayList<>();
        for (Chat.User u : users) {
            workers.add(pool.submit(() -> {
                for (int i = 0; i < CYCLES / USERS; i++) {
                    if (cycle(http, u.accessToken())) {
                        done.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> w : workers) {
            w.get(20, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(CYCLES, done.get() + failed.get());
        assertTrue(failed.get() == 0, failed.get() + " cycles did not see hello and a clean close");

        awaitMetric("chat_gateway_connections", 0);
        awaitMetric("chat_gateway_users", 0);
        awaitMetric("chat_gateway_indexed_rooms", 0);
        long heapAfter = heapAfterFullGc(pid);
        System.out.printf("soak: %d cycles, heap after full GC %d KiB before, %d KiB after%n", CYCLES,
                heapBefore / 1024, heapAfter / 1024);
        assertTrue(heapAfter < heapBefore + 16L * 1024 * 1024,
                "heap grew by " + (heapAfter - heapBefore) / 1024 + " KiB over " + CYCLES + " cycles");
    }

    /** Open, wait for hello, close normally, wait for the server's close. */
    static boolean cycle(HttpClient http, String token) {
        CompletableFuture<Void> hello = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        try {
            WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(Chat.WS), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            if (data.toString().contains("\"hello\"")) {
                                hello.complete(null);
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closed.complete(-1);
                        }
                    }).get(10, TimeUnit.SECONDS);
            hello.get(10, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            return closed.get(10, TimeUnit.SECONDS) == 1000;
        } catch (Exception e) {
            return false;
        }
    }

    static double metric(String name) {
        String text = given().get(Chat.HTTP + "/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        assertTrue(found, "metric " + name + " is published");
        return sum;
    }

    static void awaitMetric(String name, double expected) throws InterruptedException {
        long until = System.currentTimeMillis() + Duration.ofSeconds(30).toMillis();
        double value;
        do {
            value = metric(name);
            if (value == expected) {
                return;
            }
            Thread.sleep(250);
        } while (System.currentTimeMillis() < until);
        assertEquals(expected, value, name);
    }

    static double heapUsed() {
        String text = given().get(Chat.HTTP + "/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        assertTrue(sum > 0, "heap metrics are published");
        return sum;
    }

    /** Heap in use right after a full collection, asked of the gateway's JVM with jcmd. */
    static long heapAfterFullGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process gc = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").redirectErrorStream(true).start();
        assertTrue(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0, new String(gc.getInputStream().readAllBytes()));
        Thread.sleep(500);
        return (long) heapUsed();
    }
}

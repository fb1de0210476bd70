package io.chat.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.function.BiConsumer;

/**
 * One client socket as a native client opens it: {@code GET /ws} with {@code Authorization: Bearer}, no Origin
 * header. Its frames are handled on its own event-loop thread, so the per-socket state needs no locking.
 */
public final class Conn {
    public final int index;
    public final UserPool.User user;
    public final SeqTracker seen = new SeqTracker();
    /** Scenario-specific per-socket state (e.g. rooms still to catch up). */
    public Object attachment;
    private volatile ClientWebSocket ws;
    private volatile boolean open;
    private volatile int closeCode = -1;
    public volatile long connectStartNanos;
    public volatile long upgradedNanos;
    public volatile long helloNanos;
    /** The server's hello (session id, limits), kept from the last connect. */
    public volatile com.fasterxml.jackson.databind.JsonNode helloFrame;
    private Promise<Conn> hello;
    private BiConsumer<Conn, Frame> onFrame = (c, f) -> { };
    private Runnable onClose = () -> { };

    public Conn(int index, UserPool.User user) {
        this.index = index;
        this.user = user;
    }

    public Conn onFrame(BiConsumer<Conn, Frame> handler) {
        this.onFrame = handler;
        return this;
    }

    public Conn onClose(Runnable handler) {
        this.onClose = handler;
        return this;
    }

    /**
     * Opens the socket; the future completes when the server's hello arrives (the session is fully set up then:
     * rooms indexed), or fails with {@code http_<status>}, {@code close_<code>} or the connect error.
     */
    public Future<Conn> connect(WebSocketClient client, String host, int port, String accessToken, long timeoutMs) {
        hello = Promise.promise();
        connectStartNanos = System.nanoTime();
        helloNanos = 0;
        closeCode = -1;
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws")
                .setAllowOriginHeader(false).setTimeout(timeoutMs);
        o.addHeader("Authorization", "Bearer " + accessToken);
        // Handlers go on before connect: Vert.x resumes a plain connect()'s socket before its completion handler
        // runs, so a hello already read by then was delivered to no handler and lost (1 of 19,500 in a run).
        ClientWebSocket socket = client.webSocket();
        ws = socket;
        open = false;
        boolean[] upgraded = {false}; // both handlers run on the socket's event loop
        socket.textMessageHandler(text -> {
            Frame f = Frame.parse(text);
            if (helloNanos == 0 && "hello".equals(f.type())) {
                helloNanos = System.nanoTime();
                try {
                    helloFrame = Frame.JSON.readTree(text);
                } catch (java.io.IOException e) {
                    helloFrame = null;
                }
                open = true; // a frame means it is upgraded, even if the connect's completion has not run yet
                if (upgraded[0]) {
                    hello.tryComplete(this);
                } // else: completed below, once the connect's own completion has run
            }
            onFrame.accept(this, f);
        });
        socket.exceptionHandler(e -> { });
        socket.closeHandler(v -> {
            open = false;
            Short s = socket.closeStatusCode();
            closeCode = s == null ? 1006 : s;
            hello.tryFail("close_" + closeCode);
            onClose.run();
        });
        socket.connect(o).onComplete(ar -> {
            if (ar.failed()) {
                Throwable e = ar.cause();
                String code = e instanceof UpgradeRejectedException u ? "http_" + u.getStatus() : "connect_" + e.getClass().getSimpleName();
                hello.tryFail(code);
                return;
            }
            // the connect completes after the socket is resumed, so the hello may have been handled already
            upgradedNanos = helloNanos != 0 ? helloNanos : System.nanoTime();
            upgraded[0] = true;
            if (closeCode == -1) {
                open = true; // not if it was closed while the completion was queued
            }
            if (helloNanos != 0) {
                hello.tryComplete(this);
            }
        });
        return hello.future();
    }

    public void send(String json) {
        WebSocket s = ws;
        if (s != null && open) {
            s.writeTextMessage(json);
        }
    }

    /** Closes the socket (a client going away: close frame 1000, then TCP close). */
    public Future<Void> close() {
        WebSocket s = ws;
        if (s == null || !open) {
            return Future.succeededFuture();
        }
        return s.close((short) 1000, "bench");
    }

    /** Connect started and neither its hello nor a failure has completed it yet. */
    public boolean connecting() {
        Promise<Conn> h = hello;
        return h != null && !h.future().isComplete();
    }

    public boolean isOpen() {
        return open;
    }

    public int closeCode() {
        return closeCode;
    }
}

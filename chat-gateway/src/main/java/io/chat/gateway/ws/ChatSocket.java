package io.chat.gateway.ws;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;

/**
 * Protocol v1 at /ws. {@link HandshakeCheck} authenticates the upgrade (no token, an invalid or expired one, means
 * 401 and no socket) and refuses foreign origins and query-string tokens.
 * <p>
 * The connection is a callback parameter rather than an injected session-scoped bean, so WebSockets Next keeps no
 * CDI session context per socket.
 */
@WebSocket(path = "/ws")
public class ChatSocket {
    @Inject
    SessionLifecycle lifecycle;
    @Inject
    CommandHandler commands;
    @Inject
    SessionRegistry registry;

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        return lifecycle.open(connection);
    }

    @OnTextMessage
    public Uni<Void> onFrame(String frame, WebSocketConnection connection) {
        ClientSession session = registry.get(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem(); // still opening, or already closing
        }
        session.lastHeardMillis = System.currentTimeMillis();
        return commands.handle(session, frame);
    }

    @OnPongMessage
    public void onPong(Buffer data, WebSocketConnection connection) {
        ClientSession session = registry.get(connection.id());
        if (session != null) {
            session.lastHeardMillis = System.currentTimeMillis();
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        lifecycle.closed(connection.id());
    }

    /** A frame over max-message-size surfaces here; the contract closes such sockets with 1009. */
    @OnError
    public Uni<Void> onError(IllegalStateException e, WebSocketConnection connection) {
        if (e.getMessage() != null && e.getMessage().contains("max message size")) {
            return connection.close(SessionLifecycle.TOO_LARGE);
        }
        return connection.close(SessionLifecycle.SERVER_ERROR);
    }
}

package io.chat.gateway.ws;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.arc.ClientProxy;
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
 * Protocol v1 at /ws. The upgrade itself is authenticated ({@code @Authenticated}: no token, an
 * invalid or expired one, means 401 and no socket); {@link HandshakeCheck} refuses foreign origins
 * and query-string tokens before that.
 */
@WebSocket(path = "/ws")
@Authenticated
public class ChatSocket {
    @Inject
    WebSocketConnection connection;
    @Inject
    SecurityIdentity identity;
    @Inject
    SessionLifecycle lifecycle;
    @Inject
    CommandHandler commands;
    @Inject
    SessionRegistry registry;

    @OnOpen
    public Uni<Void> onOpen() {
        // the injected connection is a session-scoped proxy; sessions outlive callbacks, so keep the real one
        return lifecycle.open(ClientProxy.unwrap(connection), identity);
    }

    @OnTextMessage
    public Uni<Void> onFrame(String frame) {
        ClientSession session = registry.get(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem(); // still opening, or already closing
        }
        session.lastHeardMillis = System.currentTimeMillis();
        return commands.handle(session, frame);
    }

    @OnPongMessage
    public void onPong(Buffer data) {
        ClientSession session = registry.get(connection.id());
        if (session != null) {
            session.lastHeardMillis = System.currentTimeMillis();
        }
    }

    @OnClose
    public void onClose() {
        lifecycle.closed(connection.id());
    }

    /** A frame over max-message-size surfaces here; the contract closes such sockets with 1009. */
    @OnError
    public Uni<Void> onError(IllegalStateException e) {
        if (e.getMessage() != null && e.getMessage().contains("max message size")) {
            return connection.close(SessionLifecycle.TOO_LARGE);
        }
        return connection.close(SessionLifecycle.SERVER_ERROR);
    }
}

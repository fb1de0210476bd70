package io.chat.gateway.ws;

import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway keeps per socket, deliberately small (idle sockets are the memory budget).
 * Released with the socket: nothing here is referenced from anywhere but the session registry.
 */
public final class ClientSession {
    public final WebSocketConnection connection;
    public final String userId;
    /** The login session (refresh-token family) of the token, so a logout closes exactly its sockets. */
    public final String authSession;
    public final Set<String> groups;
    public final String correlationId;
    /**
     * {@code "Bearer <access token>"}, forwarded on the user's calls to message-service. Kept as the handshake's own
     * header value, which Vert.x keeps for the socket's life anyway, so the token is held once (~0.6 KB).
     */
    volatile String authorization;
    volatile long expiresAtMillis;
    /** When the current token was issued: a revocation only closes sockets whose token predates it. */
    volatile long issuedAtMillis;
    volatile long lastActiveSignalMillis;
    /** Last frame or pong from the client (or the hello): a greeted socket silent for too long is half-open and closed. */
    volatile long lastHeardMillis = System.currentTimeMillis();
    /**
     * Set when the hello is sent. Until then the socket waits for its memberships (bounded by the give-up time), and
     * its pongs wait too (a socket's callbacks run one at a time, the first is {@code @OnOpen}): silence means nothing.
     */
    volatile boolean greeted;
    /** This socket's syncs, the first one running (they run one after another); null when there is none. */
    ArrayDeque<Uni<Void>> syncs;
    /** Commands forwarded to message-service and not answered yet: command id → sent at (millis). */
    final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>(4);

    ClientSession(WebSocketConnection connection, String userId, String authSession, Set<String> groups,
            String authorization, long issuedAtMillis, long expiresAtMillis) {
        this.connection = connection;
        this.userId = userId;
        this.authSession = authSession;
        this.groups = groups;
        this.authorization = authorization;
        this.expiresAtMillis = expiresAtMillis;
        this.issuedAtMillis = issuedAtMillis;
        this.correlationId = connection.id();
    }

    /** @return when the command was sent, or null if it was not pending (so it is answered only once) */
    public Long pendingRemove(String commandId) {
        return pending.remove(commandId);
    }

    public String id() {
        return connection.id();
    }

    public String authorization() {
        return authorization;
    }
}

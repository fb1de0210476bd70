package io.chat.gateway.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.contracts.EventTypes;
import io.chat.contracts.PresenceSignal;
import io.chat.gateway.client.MessageServiceClient;
import io.chat.gateway.config.GatewayConfig;
import io.chat.gateway.fanout.RoomIndex;
import io.chat.gateway.messaging.Outbound;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Opening, keeping and closing sessions: caps, expiry, half-open detection, presence signals, drain. */
@ApplicationScoped
public class SessionLifecycle {
    private static final Logger LOG = Logger.getLogger(SessionLifecycle.class);
    public static final CloseReason TOKEN_EXPIRED = new CloseReason(4001, "token expired or revoked");
    static final CloseReason TOO_MANY = new CloseReason(4429, "too many connections for this user");
    static final CloseReason GOING_AWAY = new CloseReason(1001, "server going away");
    static final CloseReason SERVER_ERROR = new CloseReason(1011, "server error");
    static final CloseReason TOO_LARGE = new CloseReason(1009, "frame too large");
    static final Duration MEMBERSHIPS_FIRST_RETRY = Duration.ofMillis(200);
    static final Duration MEMBERSHIPS_MAX_BACKOFF = Duration.ofSeconds(3);
    static final Duration MEMBERSHIPS_GIVE_UP = Duration.ofSeconds(60);

    @Inject
    SessionRegistry registry;
    @Inject
    RoomIndex rooms;
    @Inject
    MessageServiceClient messages;
    @Inject
    Outbound outbound;
    @Inject
    GatewayConfig config;
    @Inject
    Sender sender;
    @Inject
    MeterRegistry metrics;

    private volatile boolean draining;
    private volatile boolean started;

    void onStart(@Observes StartupEvent event) {
        started = true;
        Gauge.builder("chat_gateway_connections", registry, SessionRegistry::count).description("open WebSocket connections")
                .register(metrics);
        Gauge.builder("chat_gateway_users", registry, SessionRegistry::users).description("users with an open connection")
                .register(metrics);
        // published from the start (at 0), so dashboards and tests see it before the first half-open socket
        metrics.counter("chat_gateway_half_open_closed_total");
        Gauge.builder("chat_gateway_indexed_rooms", rooms, RoomIndex::size).description("rooms with a local member")
                .register(metrics);
    }

    Uni<Void> open(WebSocketConnection connection) {
        // taken out so that the parsed token is not kept for the socket's life (ClientSession keeps what is needed)
        HandshakeCheck.Verified verified = connection.userData().remove(HandshakeCheck.TOKEN);
        if (verified == null) {
            LOG.errorf("socket %s opened without a verified token, closing", connection.id());
            return connection.close(SERVER_ERROR); // cannot happen: HandshakeCheck permits only with one
        }
        if (draining) {
            return connection.close(GOING_AWAY);
        }
        JsonWebToken jwt = verified.jwt();
        String sid = jwt.getClaim("sid");
        ClientSession session = new ClientSession(connection, jwt.getSubject(), sid, Set.copyOf(jwt.getGroups()),
                verified.authorization(), jwt.getIssuedAtTime() * 1000, jwt.getExpirationTime() * 1000);
        if (!registry.add(session, config.maxConnectionsPerUser())) {
            metrics.counter("chat_gateway_refused_connections_total", "reason", "per_user_cap").increment();
            return connection.close(TOO_MANY);
        }
        // index the user's rooms before hello: a client that syncs after hello then misses nothing. In a reconnect
        // storm thousands of these calls queue at message-service: retry with back-off (the client just waits
        // longer for hello) rather than refuse the socket, which would only make it reconnect again
        return messages.memberships(session.authorization())
                .onFailure().retry().withBackOff(MEMBERSHIPS_FIRST_RETRY, MEMBERSHIPS_MAX_BACKOFF)
                .expireIn(MEMBERSHIPS_GIVE_UP.toMillis())
                .onItem().transformToUni(memberships -> {
                    rooms.addMemberships(memberships);
                    if (registry.get(session.id()) != session) {
                        // closed while waiting: its close may have run before the rooms were added, so drop them here
                        if (!registry.isConnected(session.userId)) {
                            rooms.userDisconnected(session.userId);
                        }
                        return Uni.createFrom().voidItem();
                    }
                    session.lastHeardMillis = System.currentTimeMillis();
                    session.greeted = true;
                    sender.send(session, hello(session));
                    LOG.debugf("socket %s opened (%d rooms)", session.correlationId, memberships.size());
                    return outbound.signal(session.userId, EventTypes.SIGNAL_CONNECTED,
                            new PresenceSignal(session.userId, config.id(), session.id(), null, null, null, null, null))
                            .onFailure().invoke(e -> LOG.warnf("presence signal not sent: %s", e.toString()))
                            .onFailure().recoverWithNull();
                }).onFailure().recoverWithUni(e -> {
                    metrics.counter("chat_gateway_refused_connections_total", "reason", "memberships_unavailable").increment();
                    LOG.warnf("socket %s: cannot load memberships for %s, closing: %s", session.correlationId,
                            MEMBERSHIPS_GIVE_UP, e.toString());
                    return connection.close(SERVER_ERROR);
                });
    }

    private ObjectNode hello(ClientSession session) {
        ObjectNode hello = Frames.frame("hello");
        hello.put("sessionId", session.id());
        hello.put("userId", session.userId);
        hello.put("serverTime", Instant.now().toString());
        hello.put("heartbeatSec", config.heartbeatInterval().toSeconds());
        ObjectNode limits = hello.putObject("limits");
        limits.put("maxFrameBytes", 65536);
        limits.put("maxTextLength", 4000);
        limits.put("maxConnectionsPerUser", config.maxConnectionsPerUser());
        limits.put("sendPerMinute", config.rateLimits().sendPerMinute());
        limits.put("sendBurst", config.rateLimits().sendBurst());
        limits.put("syncPerMinute", config.rateLimits().syncPerMinute());
        limits.put("typingPerMinute", config.rateLimits().typingPerMinute());
        limits.put("syncMessagesPerRoom", 100);
        return hello;
    }

    void closed(String connectionId) {
        ClientSession session = registry.get(connectionId);
        if (session == null) {
            return;
        }
        boolean last = registry.remove(session);
        session.pending.clear();
        if (last) {
            rooms.userDisconnected(session.userId);
        }
        outbound.signal(session.userId, EventTypes.SIGNAL_DISCONNECTED,
                new PresenceSignal(session.userId, config.id(), session.id(), null, null, null, null, null))
                .subscribe().with(x -> { }, e -> LOG.warnf("presence signal not sent: %s", e.toString()));
    }

    /**
     * Closes with 4001 the user's sockets (or those of one login session) whose token was issued
     * before the revocation; a socket opened with a token issued after it (a new login) stays.
     */
    public void revoke(String userId, String authSession, Instant revokedAt) {
        long cutoff = revokedAt == null ? Long.MAX_VALUE : revokedAt.toEpochMilli();
        for (ClientSession s : registry.sessionsOf(userId)) {
            // iat has second precision: a token from the same second as the revocation counts as older
            if ((authSession == null || authSession.equals(s.authSession)) && s.issuedAtMillis <= cutoff) {
                s.connection.close(TOKEN_EXPIRED).subscribe().with(x -> { }, e -> { });
            }
        }
    }

    /** Once a second: expired tokens (4001), half-open sockets, commands that never got a result. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        long now = System.currentTimeMillis();
        long silentLimit = config.heartbeatInterval().toMillis() * 3;
        long commandTimeout = config.commandTimeout().toMillis();
        for (ClientSession s : registry.all()) {
            if (now >= s.expiresAtMillis) {
                s.connection.close(TOKEN_EXPIRED).subscribe().with(x -> { }, e -> { });
                continue;
            }
            if (s.greeted && now - s.lastHeardMillis > silentLimit) {
                metrics.counter("chat_gateway_half_open_closed_total").increment();
                s.connection.close(GOING_AWAY).subscribe().with(x -> { }, e -> { });
                continue;
            }
            if (!s.pending.isEmpty()) {
                for (Map.Entry<String, Long> p : List.copyOf(s.pending.entrySet())) {
                    if (now - p.getValue() > commandTimeout && s.pending.remove(p.getKey()) != null) {
                        sender.error(s, p.getKey(), "unavailable", "no answer from the message store in time, retry", null);
                    }
                }
            }
        }
    }

    /** Renews this replica's presence leases: one signal for all its sockets. */
    @Scheduled(every = "${chat.gateway.heartbeat-interval:10s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void heartbeat() {
        if (started && !draining) {
            outbound.signal(config.id(), EventTypes.SIGNAL_HEARTBEAT,
                    new PresenceSignal(null, config.id(), null, null, null, null, null, null))
                    .subscribe().with(x -> { }, e -> LOG.warnf("heartbeat not sent: %s", e.toString()));
        }
    }

    /**
     * Drain at the start of shutdown (the pre-shutdown delay, while readiness already reports DOWN and
     * before the HTTP server stops): refuse new sockets, close the open ones with 1001 so that clients
     * reconnect to another replica.
     */
    void onShutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    void onStop(@Observes ShutdownEvent event) {
        drain();
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        List<Uni<Void>> closing = registry.all().stream().map(s -> s.connection.close(GOING_AWAY)
                .onFailure().recoverWithNull()).toList();
        if (!closing.isEmpty()) {
            Uni.join().all(closing).andCollectFailures().await().atMost(java.time.Duration.ofSeconds(5));
        }
    }
}

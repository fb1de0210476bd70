package io.chat.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "chat.gateway")
public interface GatewayConfig {
    /** This replica's id: names its Kafka consumer group and routes command results back to it. */
    String id();

    /** Origins allowed to open /ws and to call /api/* from a browser (CORS). */
    List<String> allowedOrigins();

    @WithDefault("10")
    int maxConnectionsPerUser();

    /** How often the client is told to ping, and how often this replica renews its sockets' presence lease. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** A command without a result from message-service after this long is answered {@code unavailable}. */
    @WithDefault("10s")
    Duration commandTimeout();

    /** The same text into the same room again within this window is refused as {@code duplicate}. */
    @WithDefault("15s")
    Duration duplicateWindow();

    /** How long a deleted account's tokens stay refused: at least the access-token lifetime. */
    @WithDefault("1h")
    Duration deletedUserTombstone();

    /**
     * Presence changes are pushed through rooms of at most this many members. Through a bigger room every
     * connect would be announced to every member (N² frames when N members connect); there clients ask
     * {@code GET /api/presence} for the people they show. Users sharing any smaller room still get pushes.
     */
    @WithDefault("100")
    int presenceMaxRoomSize();

    Services services();

    MessageCalls messageCalls();

    RateLimits rateLimits();

    interface Services {
        String auth();

        String message();

        String presence();

        String notification();
    }

    /**
     * The gateway's calls to message-service (memberships at connect, sync). In a reconnect storm thousands queue
     * for the pool: the time spent waiting for a connection is bounded separately from the time message-service
     * may take to answer, so a call is not given up (and asked again) while it waits its turn.
     */
    interface MessageCalls {
        @WithDefault("50")
        int poolSize();

        /** How long a call may wait for a pooled connection. */
        @WithDefault("60s")
        Duration queueTimeout();

        /** How long message-service may stay silent on a call once it has been sent. */
        @WithDefault("10s")
        Duration answerTimeout();
    }

    /** Per user, shared by all replicas through Redis. */
    interface RateLimits {
        @WithDefault("30")
        int sendPerMinute();

        @WithDefault("10")
        int sendBurst();

        @WithDefault("100")
        int syncPerMinute();

        @WithDefault("20")
        int syncBurst();

        @WithDefault("10")
        int typingPerMinute();

        @WithDefault("5")
        int typingBurst();

        /** Other commands (receipts, edits, reactions, presence). */
        @WithDefault("120")
        int otherPerMinute();

        @WithDefault("30")
        int otherBurst();
    }
}

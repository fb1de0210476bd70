package io.chat.presence.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Timings and limits of presence; every value can come from the environment (CHAT_PRESENCE_LEASE, ...). */
@ConfigMapping(prefix = "chat.presence")
public interface PresenceConfig {

    /** A gateway whose heartbeats stop for this long is dead and all its sockets expire (at most 60 s). */
    @WithDefault("30s")
    Duration lease();

    /** Wait before publishing offline after the last socket closed normally; a reconnect meanwhile cancels it. */
    @WithDefault("5s")
    Duration offlineGrace();

    /** Every socket idle for this long turns an online user into away. */
    @WithDefault("5m")
    Duration idleTimeout();

    /** How long dnd lasts when the signal gives no expiry of its own; 0 means until the user changes it. */
    @WithDefault("0s")
    Duration dndDefaultDuration();

    /** A typing state ends by itself after this long without renewal. */
    @WithDefault("6s")
    Duration typingTimeout();

    /** At most one typing start per user per room reaches the room within this window. */
    @WithDefault("3s")
    Duration typingThrottle();

    /** How often the expiry sweeper runs (gateway leases, offline grace, idle, dnd, typing). */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Most due entries one sweep handles per kind, so that one Lua call never blocks Redis for long. */
    @WithDefault("500")
    int sweepBatch();

    /** Hard cap on the ids of one GET /api/presence query. */
    @WithDefault("100")
    int queryMaxUsers();

    /** Longer status texts are cut to this many characters. */
    @WithDefault("140")
    int statusTextMax();

    /** After user.deleted, late signals about that user are ignored for this long. */
    @WithDefault("24h")
    Duration deletedTombstone();
}

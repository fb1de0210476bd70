package io.chat.presence.repository;

import java.util.List;

/** What one sweep expired, plus the cluster-wide gauges read in the same round trip. */
public record SweepResult(List<PresenceChange> changes, long onlineUsers, long sockets) {
}

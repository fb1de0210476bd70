package io.chat.loadtest;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What one connection has seen, per room: the contract's client-side dedupe by {@code (room, seq)} and the
 * order check. Not thread-safe: a connection's frames are handled on its one event-loop thread.
 */
public final class SeqTracker {
    public enum Outcome { NEW, DUPLICATE, OUT_OF_ORDER }

    private static final class Room {
        final BitSet seen = new BitSet();
        long max;
        int count;
    }

    private final Map<String, Room> rooms = new HashMap<>(4);

    /**
     * NEW: first time, in order; OUT_OF_ORDER: first time but after a higher seq of that room was already
     * seen (an order violation; the message still counts as delivered); DUPLICATE: seen before.
     */
    public Outcome offer(String room, long seq) {
        Room r = rooms.computeIfAbsent(room, k -> new Room());
        if (seq <= 0 || seq > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("seq out of range: " + seq);
        }
        if (r.seen.get((int) seq)) {
            return Outcome.DUPLICATE;
        }
        r.seen.set((int) seq);
        r.count++;
        if (seq < r.max) {
            return Outcome.OUT_OF_ORDER;
        }
        r.max = seq;
        return Outcome.NEW;
    }

    /** Highest seq seen in the room (0 if none): what a reconnecting client puts in its sync. */
    public long last(String room) {
        Room r = rooms.get(room);
        return r == null ? 0 : r.max;
    }

    /** Whether every seq from {@code from} to {@code to} (inclusive) was seen. */
    public boolean hasAll(String room, long from, long to) {
        if (to < from) {
            return true;
        }
        Room r = rooms.get(room);
        if (r == null) {
            return false;
        }
        int next = r.seen.nextClearBit((int) from);
        return next > to;
    }

    /** How many seqs in [from, to] were never seen. */
    public long missing(String room, long from, long to) {
        if (to < from) {
            return 0;
        }
        Room r = rooms.get(room);
        long total = to - from + 1;
        if (r == null) {
            return total;
        }
        return total - r.seen.get((int) from, (int) to + 1).cardinality();
    }

    public int distinct(String room) {
        Room r = rooms.get(room);
        return r == null ? 0 : r.count;
    }
}

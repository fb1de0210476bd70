package io.chat.message.messaging;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The outbox rows the relay has sent to Kafka and not yet deleted, so that a pass need not wait for the acks of the
 * one before it: a pass leaves out the rows still in flight and deletes the ones acknowledged since the last pass.
 * Kafka's producer keeps the order of what one relay sends to a partition, so rows of later passes never overtake
 * those in flight. After a failed send nothing more is sent until every send in flight has settled; the next pass then
 * reads the outbox from its start again and so sends the failed row anew (at-least-once, as a crash would).
 * Thread-safe: sends are answered on Kafka's threads while a pass runs on the database client's.
 */
final class PublishWindow {
    /** What one pass deletes and leaves out. */
    record Pass(Long[] delete, Long[] inFlight) {
    }

    private final int limit;
    private final Set<Long> inFlight = new HashSet<>();
    private final Set<Long> acked = new HashSet<>();
    private boolean failed;
    /** A pass was refused since the last one ran: the send that settles the window asks for another. */
    private boolean refused;

    /** @param limit rows in flight at which no pass starts until they have all settled */
    PublishWindow(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the relay's window must be at least 1 row, was " + limit);
        }
        this.limit = limit;
    }

    /** @return what the next pass deletes and leaves out, or null when it must wait for the sends in flight */
    synchronized Pass start() {
        if (!inFlight.isEmpty() && (failed || inFlight.size() >= limit)) {
            refused = true;
            return null;
        }
        failed = false;
        refused = false;
        return new Pass(acked.toArray(Long[]::new), inFlight.toArray(Long[]::new));
    }

    synchronized void sending(long id) {
        inFlight.add(id);
    }

    /** @return true when a pass was refused and may run now: the caller asks for one */
    synchronized boolean acked(long id) {
        if (inFlight.remove(id)) {
            acked.add(id);
        }
        return settled();
    }

    /** @return true when a pass was refused and may run now: the caller asks for one */
    synchronized boolean failed(long id) {
        inFlight.remove(id);
        failed = true;
        return settled();
    }

    /** The pass that deleted these rows committed. */
    synchronized void deleted(Long[] ids) {
        acked.removeAll(Arrays.asList(ids));
    }

    synchronized int inFlight() {
        return inFlight.size();
    }

    synchronized int toDelete() {
        return acked.size();
    }

    private boolean settled() {
        return refused && inFlight.isEmpty();
    }
}

package io.chat.loadtest;

import org.junit.jupiter.api.Test;

import static io.chat.loadtest.SeqTracker.Outcome.DUPLICATE;
import static io.chat.loadtest.SeqTracker.Outcome.NEW;
import static io.chat.loadtest.SeqTracker.Outcome.OUT_OF_ORDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeqTrackerTest {
    @Test
    void dedupesByRoomAndSeqAndFlagsLateArrivals() {
        SeqTracker t = new SeqTracker();
        assertEquals(NEW, t.offer("a", 1));
        assertEquals(NEW, t.offer("a", 3)); // a gap is not a violation by itself
        assertEquals(DUPLICATE, t.offer("a", 3));
        assertEquals(OUT_OF_ORDER, t.offer("a", 2)); // 2 after 3
        assertEquals(DUPLICATE, t.offer("a", 2));
        assertEquals(NEW, t.offer("b", 2)); // rooms are independent
        assertEquals(3, t.last("a"));
        assertEquals(3, t.distinct("a"));
        assertEquals(0, t.last("none"));
    }

    @Test
    void completenessOverARange() {
        SeqTracker t = new SeqTracker();
        t.offer("r", 1);
        t.offer("r", 2);
        t.offer("r", 4);
        assertFalse(t.hasAll("r", 1, 4));
        assertEquals(1, t.missing("r", 1, 4));
        assertEquals(5, t.missing("other", 1, 5));
        t.offer("r", 3);
        assertTrue(t.hasAll("r", 1, 4));
        assertEquals(0, t.missing("r", 1, 4));
        assertTrue(t.hasAll("r", 5, 4), "an empty range is complete");
        assertThrows(IllegalArgumentException.class, () -> t.offer("r", 0));
    }
}

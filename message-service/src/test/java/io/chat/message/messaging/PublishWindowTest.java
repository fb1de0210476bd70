package io.chat.message.messaging;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PublishWindow}: what a relay pass deletes, leaves out, and when it must wait. */
class PublishWindowTest {

    @Test
    void aPassLeavesOutWhatIsInFlightAndDeletesWhatWasAcknowledged() {
        PublishWindow w = new PublishWindow(100);
        PublishWindow.Pass first = w.start();
        assertArrayEquals(new Long[0], first.delete());
        assertArrayEquals(new Long[0], first.inFlight());
        w.sending(1);
        w.sending(2);
        w.sending(3);
        assertFalse(w.acked(2), "no pass was refused: nothing to ask for");

        PublishWindow.Pass second = w.start();
        assertArrayEquals(new Long[] {2L}, second.delete());
        assertEquals(Set.of(1L, 3L), Set.of(second.inFlight()));
    }

    @Test
    void acknowledgedRowsAreDeletedOnlyOnceAPassThatDeletedThemCommitted() {
        PublishWindow w = new PublishWindow(100);
        w.start();
        w.sending(1);
        w.acked(1);
        assertArrayEquals(new Long[] {1L}, w.start().delete());
        // that pass rolled back: the next one deletes the row again
        assertArrayEquals(new Long[] {1L}, w.start().delete());
        w.deleted(new Long[] {1L});
        assertArrayEquals(new Long[0], w.start().delete());
        assertEquals(0, w.toDelete());
    }

    @Test
    void afterAFailedSendNoPassRunsUntilEverySendInFlightHasSettled() {
        PublishWindow w = new PublishWindow(100);
        w.start();
        w.sending(1);
        w.sending(2);
        w.sending(3);
        assertFalse(w.failed(1), "no pass was refused yet");
        assertNull(w.start(), "2 and 3 are still in flight: a pass now could overtake the failed row");
        assertFalse(w.acked(2), "3 is still in flight");
        assertTrue(w.acked(3), "the last send settled: the refused pass may run now");

        PublishWindow.Pass pass = w.start();
        assertNotNull(pass);
        assertArrayEquals(new Long[0], pass.inFlight(), "nothing left out: the failed row 1 is read and sent again");
        assertEquals(Set.of(2L, 3L), Set.of(pass.delete()));
    }

    @Test
    void aFullWindowHoldsPassesAndItsLastAckAsksForOne() {
        PublishWindow w = new PublishWindow(2);
        w.start();
        w.sending(1);
        assertNotNull(w.start(), "1 in flight, below the limit of 2");
        w.sending(2);
        assertNull(w.start(), "2 in flight: the limit");
        assertFalse(w.acked(1), "the window asks for a pass once it has drained");
        assertTrue(w.acked(2));
        PublishWindow.Pass pass = w.start();
        assertArrayEquals(new Long[0], pass.inFlight());
        assertEquals(Set.of(1L, 2L), Set.of(pass.delete()));
        assertEquals(0, w.inFlight());
    }

    @Test
    void aWindowBelowOneRowIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PublishWindow(0));
    }
}

package io.chat.message.service;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageIdsTest {
    @Test
    void idsAreVersion7AndGrowInTheOrderTheyAreMade() {
        long before = System.currentTimeMillis();
        UUID previous = MessageIds.next();
        for (int i = 0; i < 100_000; i++) {
            UUID id = MessageIds.next();
            assertEquals(7, id.version());
            assertEquals(2, id.variant()); // RFC 9562's variant
            // PostgreSQL orders uuids by their bytes, unsigned: the index grows at its right end
            assertTrue(Long.compareUnsigned(id.getMostSignificantBits(), previous.getMostSignificantBits()) > 0
                    || id.getMostSignificantBits() == previous.getMostSignificantBits()
                    && Long.compareUnsigned(id.getLeastSignificantBits(), previous.getLeastSignificantBits()) > 0,
                    id + " after " + previous);
            previous = id;
        }
        long millis = previous.getMostSignificantBits() >>> 16; // the first 48 bits
        assertTrue(millis >= before && millis <= System.currentTimeMillis() + 1, "timestamp " + millis);
    }
}

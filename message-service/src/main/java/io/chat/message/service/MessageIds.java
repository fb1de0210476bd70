package io.chat.message.service;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import java.util.UUID;

/**
 * Ids of new messages: time-ordered UUIDs (version 7, RFC 9562: milliseconds since the epoch, then a counter and
 * random bits). The unique index on {@code messages.id} grows at its right end with them; with random (version 4)
 * ids every insert wrote into a random page of an index that outgrows the buffer cache as messages pile up, each such
 * page written again in full after every checkpoint (docs/benchmarks.md, sixteenth round). The time they carry is the
 * message's own {@code ts}, which every reader of a message sees anyway.
 */
public final class MessageIds {
    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator(); // thread-safe

    private MessageIds() {
    }

    public static UUID next() {
        return GENERATOR.generate();
    }
}

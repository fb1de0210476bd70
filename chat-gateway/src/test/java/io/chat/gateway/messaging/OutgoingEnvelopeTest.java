package io.chat.gateway.messaging;

import io.chat.contracts.ChatCommand;
import io.chat.contracts.Envelope;
import io.chat.contracts.MessageCreated;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.Origin;
import io.chat.gateway.ws.Frames;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A producer's envelope, its payload written without a tree, is byte for byte what the tree gave, nulls left out alike. */
class OutgoingEnvelopeTest {

    @Test
    void theSameJsonAsThroughATree() throws Exception {
        Instant at = Instant.parse("2026-12-04T12:00:00.123456Z");
        Origin origin = new Origin("gw-1", "s-1", "c-1");
        List<Object> payloads = List.of(
                new ChatCommand(origin, "u-1", List.of("user"), "r-1", "m-1", "héllo \"you\" \u2603", null, null, null, null, null),
                new MessageCreated(new MessageEvent("r-1", "id-1", 42, "u-1", "hi", at, "m-1", null, null, List.of(), null, null),
                        origin));
        for (Object payload : payloads) {
            String viaTree = Frames.JSON.writeValueAsString(new Envelope("e-1", "message.send", at, Envelope.VERSION,
                    Frames.JSON.valueToTree(payload)));
            String direct = Frames.JSON.writeValueAsString(new Envelope.Outgoing("e-1", "message.send", at, Envelope.VERSION, payload));
            assertEquals(viaTree, direct);
            assertFalse(direct.contains("null"), direct);
        }
    }

    @Test
    void ofGivesANewIdAndTheCurrentVersion() {
        Envelope.Outgoing a = Envelope.Outgoing.of("t", 1);
        Envelope.Outgoing b = Envelope.Outgoing.of("t", 1);
        assertFalse(a.eventId().equals(b.eventId()));
        assertEquals(Envelope.VERSION, a.version());
    }
}

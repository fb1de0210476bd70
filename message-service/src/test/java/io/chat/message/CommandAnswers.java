package io.chat.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.testsupport.KafkaTestClient;

/**
 * A command's answer on chat.events as its gateway reads it: a {@code command.result}, or the {@code message.created}
 * of the message a send stored, which carries the send's origin instead.
 */
final class CommandAnswers {
    private static final String[] ACK_FIELDS = {"msgId", "room", "seq", "ts"};

    private CommandAnswers() {
    }

    /** The origin of the command that {@code e} answers, or null when it answers none. */
    static JsonNode origin(Envelope e) {
        JsonNode origin = EventTypes.COMMAND_RESULT.equals(e.type()) || EventTypes.MESSAGE_CREATED.equals(e.type())
                ? e.payload().get("origin") : null;
        return origin == null || origin.isNull() ? null : origin;
    }

    /** The answer in command.result's shape, {@code via} naming the event type it came by. */
    static JsonNode answer(Envelope e) {
        if (EventTypes.COMMAND_RESULT.equals(e.type())) {
            return ((ObjectNode) e.payload().deepCopy()).put("via", e.type());
        }
        ObjectNode answer = KafkaTestClient.JSON.createObjectNode().put("via", e.type()).put("ok", true);
        ObjectNode result = answer.putObject("result");
        for (String f : ACK_FIELDS) {
            result.set(f, e.payload().get(f));
        }
        return answer;
    }
}

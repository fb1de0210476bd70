package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * The answer to one {@link ChatCommand}: {@code ok} with the ack fields in {@code result},
 * or an error {@code code} from the contract's fixed set with a human message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResult(Origin origin, boolean ok, Map<String, Object> result, String code, String message) {

    public static CommandResult ok(Origin origin, Map<String, Object> result) {
        return new CommandResult(origin, true, result, null, null);
    }

    public static CommandResult failed(Origin origin, String code, String message) {
        return new CommandResult(origin, false, null, code, message);
    }
}

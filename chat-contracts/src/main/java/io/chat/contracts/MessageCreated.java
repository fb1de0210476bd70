package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The payload of {@code message.created}: the message's fields as in {@link MessageEvent} (consumers that only want
 * the message read it as one) and, when a gateway's {@code message.send} stored it, that command's {@code origin}.
 * That gateway acks the command from this event, so a new message costs one event instead of two; a repeated or
 * refused send is still answered by a {@link CommandResult}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageCreated(@JsonUnwrapped MessageEvent message, Origin origin) {
}

package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** A message as it appears on the wire (REST and WebSocket alike); text is null when deleted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageEvent(String room, String msgId, long seq, String sender, String text, Instant ts,
        String clientMsgId, String replyTo, String threadRoot, List<String> mentions, Instant editedAt,
        Boolean deleted) {
}

package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A client command forwarded by a gateway on {@code chat.commands}. {@code userId} is the
 * authenticated sender and {@code groups} its roles, set by the gateway from the verified token,
 * never by the client.
 * Fields that a command type does not use are null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCommand(Origin origin, String userId, List<String> groups, String room, String clientMsgId, String text,
        String replyTo, String threadRoot, String msgId, String emoji, Long seq) {
}

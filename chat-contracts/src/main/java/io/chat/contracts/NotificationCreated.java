package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** An in-app notification for one user, sent live to their sockets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationCreated(String id, String userId, String kind, String room, String msgId,
        String sender, String preview, Instant createdAt) {
}

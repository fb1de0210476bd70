package io.chat.notification.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chat.notification.repository.NotificationRepository.NotificationRow;

import java.time.Instant;

/** A feed entry as served by GET /api/notifications. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationView(String id, String kind, String room, String msgId, Long seq, String sender,
        String preview, Instant createdAt, boolean read) {

    public static NotificationView of(NotificationRow r) {
        return new NotificationView(r.id().toString(), r.kind(), r.roomId(), r.msgId(), r.seq(), r.sender(),
                r.preview(), r.createdAt(), r.readAt() != null);
    }
}

package io.chat.message.service;

import io.chat.message.repository.RoomRepository.Access;

/**
 * Who may do what in a room (the permission matrix in docs/message-service.md). A room the caller
 * may not see is reported as not found, never as forbidden, so ids cannot be probed.
 */
final class RoomPolicy {
    private RoomPolicy() {
    }

    static boolean canSee(Access access, Caller caller) {
        return access != null && (access.role() != null || ("support".equals(access.kind()) && caller.isStaff()));
    }

    static void requireRead(Access access, Caller caller) {
        if (!canSee(access, caller)) {
            throw ChatException.roomNotFound();
        }
    }

    /** @return true when the caller is staff answering a support room they have not joined yet */
    static boolean requireWrite(Access access, Caller caller) {
        requireRead(access, caller);
        if (!"open".equals(access.status())) {
            throw ChatException.forbidden("the room is " + access.status() + " and read-only");
        }
        return access.role() == null;
    }
}

package io.chat.message.service;

import java.util.UUID;

/** Ids from clients: a malformed room id is simply a room that is not found; a malformed message id is a bad request. */
final class RoomIds {
    private RoomIds() {
    }

    static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (RuntimeException e) {
            throw ChatException.roomNotFound();
        }
    }

    static UUID optionalMessage(String field, String id) {
        if (id == null) {
            return null;
        }
        try {
            return UUID.fromString(id);
        } catch (RuntimeException e) {
            throw ChatException.badRequest(field, field + " is not a message id");
        }
    }

    static UUID message(String id) {
        if (id == null) {
            throw ChatException.badRequest("msgId", "msgId is required");
        }
        return optionalMessage("msgId", id);
    }

    static UUID cursorId(String id) {
        try {
            return UUID.fromString(id);
        } catch (RuntimeException e) {
            throw ChatException.badRequest("cursor", "invalid cursor");
        }
    }
}

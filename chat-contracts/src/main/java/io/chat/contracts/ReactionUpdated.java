package io.chat.contracts;

import java.util.List;

/** The users who now hold {@code emoji} on a message. */
public record ReactionUpdated(String room, String msgId, String emoji, List<String> users) {
}

package io.chat.contracts;

/** A member started or stopped typing in a room. */
public record TypingChanged(String room, String user, String state) {
}

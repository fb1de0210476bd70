package io.chat.presence.repository;

/** One user's typing state in one room. */
public record TypingKey(String room, String user) {
}

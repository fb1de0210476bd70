package io.chat.contracts;

/** Where a command came from, so that exactly one gateway socket receives its result. */
public record Origin(String gatewayId, String sessionId, String commandId) {
}

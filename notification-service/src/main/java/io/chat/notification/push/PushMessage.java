package io.chat.notification.push;

/** What a push says about one notification; {@code preview} is null when the user chose "no previews". */
public record PushMessage(String id, String kind, String room, String roomName, String senderId, String preview) {
}

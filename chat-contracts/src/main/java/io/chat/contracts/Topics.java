package io.chat.contracts;

/** Kafka topic names. Fixed by the architecture; keys are given per topic. */
public final class Topics {
    /** gateway → message-service; key: room id. */
    public static final String CHAT_COMMANDS = "chat.commands";
    /** message-service → gateways, notification-service, presence-service; key: room id. */
    public static final String CHAT_EVENTS = "chat.events";
    /** gateway → presence-service; key: user id. */
    public static final String PRESENCE_SIGNALS = "presence.signals";
    /** presence-service → gateways, notification-service; key: user id. */
    public static final String PRESENCE_EVENTS = "presence.events";
    /** auth-service → all; key: user id. */
    public static final String USER_EVENTS = "user.events";
    /** notification-service → gateways; key: user id. */
    public static final String NOTIFICATION_EVENTS = "notification.events";

    private Topics() {
    }
}

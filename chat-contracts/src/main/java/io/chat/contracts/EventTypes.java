package io.chat.contracts;

/** The {@link Envelope#type()} values, grouped by topic. */
public final class EventTypes {
    // chat.commands (payload: ChatCommand); the names are the client frame types
    public static final String MESSAGE_SEND = "message.send";
    public static final String MESSAGE_EDIT = "message.edit";
    public static final String MESSAGE_DELETE = "message.delete";
    public static final String REACTION_ADD = "reaction.add";
    public static final String REACTION_REMOVE = "reaction.remove";
    public static final String RECEIPT_DELIVERED = "receipt.delivered";
    public static final String RECEIPT_READ = "receipt.read";

    // chat.events
    /** The answer to a command, except a send that stored a new message: its message.created carries the origin. */
    public static final String COMMAND_RESULT = "command.result";     // CommandResult
    public static final String MESSAGE_CREATED = "message.created";   // MessageCreated (a MessageEvent and the origin)
    public static final String MESSAGE_EDITED = "message.edited";     // MessageEvent
    public static final String MESSAGE_DELETED = "message.deleted";   // MessageEvent
    public static final String REACTION_UPDATED = "reaction.updated"; // ReactionUpdated
    public static final String RECEIPT_UPDATED = "receipt.updated";   // ReceiptUpdated
    public static final String ROOM_CREATED = "room.created";         // RoomChanged
    public static final String ROOM_UPDATED = "room.updated";         // RoomChanged
    public static final String MEMBER_JOINED = "member.joined";       // RoomChanged
    public static final String MEMBER_LEFT = "member.left";           // RoomChanged

    // presence.signals (payload: PresenceSignal)
    public static final String SIGNAL_CONNECTED = "connected";
    public static final String SIGNAL_DISCONNECTED = "disconnected";
    /** One per gateway every few seconds (key: gateway id): renews the lease of all its sockets at once. */
    public static final String SIGNAL_HEARTBEAT = "heartbeat";
    /** The user did something on a socket (at most one per socket per minute): resets idle → away. */
    public static final String SIGNAL_ACTIVE = "active";
    public static final String SIGNAL_TYPING = "typing";
    public static final String SIGNAL_STATUS_SET = "status.set";

    // presence.events
    public static final String PRESENCE_CHANGED = "presence.changed"; // PresenceChanged
    public static final String TYPING_CHANGED = "typing.changed";     // TypingChanged

    // user.events (payload: UserEvent)
    public static final String USER_REGISTERED = "user.registered";
    public static final String USER_UPDATED = "user.updated";
    public static final String USER_DELETED = "user.deleted";
    /** Sessions revoked (logout, password change): gateways close the matching sockets with 4001. */
    public static final String USER_SESSIONS_REVOKED = "user.sessions.revoked";

    // notification.events
    public static final String NOTIFICATION_CREATED = "notification.created"; // NotificationCreated

    private EventTypes() {
    }
}

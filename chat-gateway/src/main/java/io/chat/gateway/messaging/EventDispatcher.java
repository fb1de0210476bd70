package io.chat.gateway.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.gateway.config.GatewayConfig;
import io.chat.gateway.fanout.RoomIndex;
import io.chat.gateway.ws.ClientSession;
import io.chat.gateway.ws.Frames;
import io.chat.gateway.ws.Sender;
import io.chat.gateway.ws.SessionLifecycle;
import io.chat.gateway.ws.SessionRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers events to the sockets this replica holds. Every replica reads every event (its own
 * consumer group) and keeps only what concerns its sockets: room members for chat events, users
 * sharing a room for presence, the user themself for notifications and revocations.
 * The handlers only touch memory and write to sockets, so they run on the consumer's event loop
 * ({@code @NonBlocking}): a method returning void would otherwise be dispatched to a worker thread,
 * one hand-off per record, which cost more CPU than the delivery itself.
 */
@ApplicationScoped
public class EventDispatcher {
    private static final Logger LOG = Logger.getLogger(EventDispatcher.class);

    @Inject
    GatewayConfig config;
    @Inject
    SessionRegistry sessions;
    @Inject
    RoomIndex rooms;
    @Inject
    Sender sender;
    @Inject
    SessionLifecycle lifecycle;
    @Inject
    MeterRegistry metrics;
    @Inject
    io.chat.gateway.ws.DeletedUsers deletedUsers;

    private Timer fanoutLag;
    private Timer ackLatency;

    @jakarta.annotation.PostConstruct
    void init() {
        fanoutLag = Timer.builder("chat_gateway_fanout_lag").description("event occurred → handed to local sockets")
                .publishPercentileHistogram().register(metrics);
        ackLatency = Timer.builder("chat_gateway_ack_latency").description("command received → ack or error sent")
                .publishPercentileHistogram().register(metrics);
    }

    @Incoming("chat-events")
    @NonBlocking
    public void onChatEvent(String value) {
        Envelope e = read(value);
        if (e == null) {
            return;
        }
        JsonNode p = e.payload();
        String room = p.path("room").asText(null);
        switch (e.type()) {
            case EventTypes.COMMAND_RESULT -> commandResult(p);
            case EventTypes.MESSAGE_CREATED -> {
                sendAck(p); // the sender's ack first: it means stored, and it is what the sender waits for
                toRoom(room, messageFrame("message.new", p), e);
            }
            case EventTypes.MESSAGE_EDITED -> toRoom(room, copy("message.edited", p, "room", "msgId", "seq", "text", "editedAt"), e);
            case EventTypes.MESSAGE_DELETED -> toRoom(room, copy("message.deleted", p, "room", "msgId", "seq"), e);
            case EventTypes.REACTION_UPDATED -> toRoom(room, copy("reaction.updated", p, "room", "msgId", "emoji", "users"), e);
            case EventTypes.RECEIPT_UPDATED -> receipt(room, p, e);
            case EventTypes.ROOM_CREATED, EventTypes.ROOM_UPDATED, EventTypes.MEMBER_JOINED, EventTypes.MEMBER_LEFT ->
                    roomChanged(e.type(), room, p, e);
            default -> { } // types this gateway does not deliver
        }
    }

    @Incoming("presence-events")
    @NonBlocking
    public void onPresenceEvent(String value) {
        Envelope e = read(value);
        if (e == null) {
            return;
        }
        JsonNode p = e.payload();
        switch (e.type()) {
            case EventTypes.PRESENCE_CHANGED -> {
                String user = p.path("user").asText();
                String text = copy("presence", p, "user", "status", "text", "lastSeen").toString();
                rooms.forEachSessionSharingARoomWith(user, config.presenceMaxRoomSize(), s -> sender.sendRaw(s, "presence", text));
                sessions.forEachSessionOf(user, s -> sender.sendRaw(s, "presence", text)); // the user's other devices
                lag(e);
            }
            case EventTypes.TYPING_CHANGED -> {
                String user = p.path("user").asText();
                String text = copy("typing", p, "room", "user", "state").toString();
                rooms.forEachSession(p.path("room").asText(), s -> {
                    if (!s.userId.equals(user)) {
                        sender.sendRaw(s, "typing", text);
                    }
                });
                lag(e);
            }
            default -> { }
        }
    }

    @Incoming("notification-events")
    @NonBlocking
    public void onNotificationEvent(String value) {
        Envelope e = read(value);
        if (e == null || !EventTypes.NOTIFICATION_CREATED.equals(e.type())) {
            return;
        }
        ObjectNode frame = ((ObjectNode) e.payload().deepCopy()).put("type", "notification");
        String text = frame.toString();
        sessions.forEachSessionOf(e.payload().path("userId").asText(), s -> sender.sendRaw(s, "notification", text));
        lag(e);
    }

    @Incoming("user-events")
    @NonBlocking
    public void onUserEvent(String value) {
        Envelope e = read(value);
        if (e == null) {
            return;
        }
        String user = e.payload().path("userId").asText();
        switch (e.type()) {
            case EventTypes.USER_SESSIONS_REVOKED -> lifecycle.revoke(user, e.payload().path("sessionId").asText(null), e.occurredAt());
            case EventTypes.USER_DELETED -> {
                deletedUsers.remember(user);
                lifecycle.revoke(user, null, null);
            }
            default -> { }
        }
    }

    private void commandResult(JsonNode p) {
        JsonNode origin = p.path("origin");
        ClientSession s = waiting(origin);
        if (s == null) {
            return;
        }
        String ref = origin.path("commandId").asText();
        if (p.path("ok").asBoolean()) {
            ObjectNode ack = Frames.ack(ref);
            JsonNode result = p.path("result");
            if (result.isObject()) {
                result.fields().forEachRemaining(f -> ack.set(f.getKey(), f.getValue()));
            }
            sender.send(s, ack);
        } else {
            sender.error(s, ref, p.path("code").asText("internal"), p.path("message").asText(""), null);
        }
    }

    /** A new message from a send of this replica's: its message.created is the command's answer (no command.result). */
    private void sendAck(JsonNode p) {
        JsonNode origin = p.get("origin");
        ClientSession s = origin == null ? null : waiting(origin);
        if (s != null) {
            ObjectNode ack = Frames.ack(origin.path("commandId").asText());
            for (String f : ACK_FIELDS) {
                ack.set(f, p.get(f));
            }
            sender.send(s, ack);
        }
    }

    /** The contract's ack fields of message.send, as message-service's command.result for a repeated send has them. */
    private static final String[] ACK_FIELDS = {"msgId", "room", "seq", "ts"};

    /**
     * @return the socket of this replica that waits for the command of {@code origin}, which is then no longer
     *         waiting; null when the command is another replica's, its socket is gone or it was already answered
     *         (timeout, a redelivered event): exactly one answer per command
     */
    private ClientSession waiting(JsonNode origin) {
        if (!config.id().equals(origin.path("gatewayId").asText())) {
            return null;
        }
        ClientSession s = sessions.get(origin.path("sessionId").asText());
        Long started = s == null ? null : s.pendingRemove(origin.path("commandId").asText());
        if (started == null) {
            return null;
        }
        ackLatency.record(Duration.ofMillis(System.currentTimeMillis() - started));
        return s;
    }

    private void toRoom(String room, ObjectNode frame, Envelope e) {
        if (room == null) {
            return;
        }
        String type = frame.path("type").asText();
        String text = frame.toString();
        rooms.forEachSession(room, s -> sender.sendRaw(s, type, text));
        lag(e);
    }

    private void receipt(String room, JsonNode p, Envelope e) {
        String user = p.path("user").asText();
        ObjectNode full = copy("receipt", p, "room", "user", "delivered", "read");
        String forOwner = full.toString();
        // a user who hides read receipts shows their read pointer to their own devices only
        String forOthers = p.path("readPrivate").asBoolean(false) ? full.deepCopy().without("read").toString() : forOwner;
        rooms.forEachSession(room, s -> sender.sendRaw(s, "receipt", s.userId.equals(user) ? forOwner : forOthers));
        lag(e);
    }

    private void roomChanged(String type, String room, JsonNode p, Envelope e) {
        List<String> members = new ArrayList<>();
        p.path("members").forEach(m -> members.add(m.path("userId").asText()));
        String frameType = EventTypes.ROOM_CREATED.equals(type) ? "room.updated" : type;
        ObjectNode frame = copy(frameType, p, "room", "kind", "name", "userId", "members");
        String text = frame.toString();
        // the member who left hears it too, before the index forgets them
        if (EventTypes.MEMBER_LEFT.equals(type)) {
            sessions.forEachSessionOf(p.path("userId").asText(), s -> sender.sendRaw(s, frameType, text));
        }
        rooms.roomChanged(room, members);
        rooms.forEachSession(room, s -> sender.sendRaw(s, frameType, text));
        lag(e);
    }

    private static ObjectNode messageFrame(String type, JsonNode p) {
        return copy(type, p, "room", "msgId", "seq", "sender", "text", "ts", "clientMsgId", "replyTo", "threadRoot", "mentions");
    }

    private static ObjectNode copy(String type, JsonNode p, String... fields) {
        ObjectNode frame = Frames.frame(type);
        for (String f : fields) {
            JsonNode v = p.get(f);
            if (v != null && !v.isNull()) {
                frame.set(f, v);
            }
        }
        return frame;
    }

    private void lag(Envelope e) {
        if (e.occurredAt() != null) {
            fanoutLag.record(Duration.between(e.occurredAt(), Instant.now()));
        }
    }

    private Envelope read(String value) {
        try {
            Envelope e = Frames.JSON.readValue(value, Envelope.class);
            return e.type() == null || e.payload() == null ? null : e;
        } catch (Exception ex) {
            LOG.warnf("skipping unreadable event: %s", ex.getClass().getSimpleName());
            return null;
        }
    }
}

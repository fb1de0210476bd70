package io.chat.gateway.ws;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.contracts.ChatCommand;
import io.chat.contracts.ErrorCodes;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Origin;
import io.chat.contracts.PresenceSignal;
import io.chat.gateway.client.MessageServiceClient;
import io.chat.gateway.config.GatewayConfig;
import io.chat.gateway.fanout.RoomIndex;
import io.chat.gateway.messaging.Outbound;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Protocol v1 client commands. Every frame is answered with exactly one {@code ack} or
 * {@code error} (typing past its rate limit is the one silent drop); the socket stays open
 * whatever the frame held.
 */
@ApplicationScoped
public class CommandHandler {
    private static final int MAX_ID = 64;
    private static final int MAX_TEXT_CODE_POINTS = 4000;
    private static final int MAX_SYNC_ROOMS = 500;
    static final int MAX_QUEUED_SYNCS = 4;
    private static final Set<String> KNOWN = Set.of("message.send", "message.edit", "message.delete", "reaction.add",
            "reaction.remove", "receipt.delivered", "receipt.read", "typing", "presence.set", "sync", "auth.refresh", "ping");
    private static final Set<String> FORWARDED = Set.of("message.edit", "message.delete", "reaction.add", "reaction.remove",
            "receipt.delivered", "receipt.read");

    @Inject
    GatewayConfig config;
    @Inject
    Outbound outbound;
    @Inject
    Sender sender;
    @Inject
    RateLimiter limiter;
    @Inject
    RoomIndex rooms;
    @Inject
    MessageServiceClient messages;
    @Inject
    JWTParser jwtParser;
    @Inject
    MeterRegistry metrics;

    /** A frame that cannot be served; becomes the error frame. */
    static final class FrameError extends RuntimeException {
        final String code;
        final Long retryAfterMs;

        FrameError(String code, String message) {
            this(code, message, null);
        }

        FrameError(String code, String message, Long retryAfterMs) {
            super(message, null, false, false);
            this.code = code;
            this.retryAfterMs = retryAfterMs;
        }
    }

    public Uni<Void> handle(ClientSession session, String text) {
        JsonNode frame;
        try {
            frame = Frames.parse(text);
        } catch (StreamConstraintsException e) {
            count("invalid");
            sender.error(session, null, ErrorCodes.BAD_REQUEST, "frame exceeds parser limits (nesting or string length)", null);
            return Uni.createFrom().voidItem();
        } catch (Exception e) {
            count("invalid");
            sender.error(session, null, ErrorCodes.BAD_REQUEST, "malformed JSON", null);
            return Uni.createFrom().voidItem();
        }
        if (frame == null || !frame.isObject()) {
            count("invalid");
            sender.error(session, null, ErrorCodes.BAD_REQUEST, "a frame is a JSON object", null);
            return Uni.createFrom().voidItem();
        }
        JsonNode idNode = frame.get("id");
        String id = idNode != null && idNode.isTextual() && !idNode.asText().isEmpty() && idNode.asText().length() <= MAX_ID
                ? idNode.asText() : null;
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            count("invalid");
            sender.error(session, id, ErrorCodes.BAD_REQUEST, "type is required (string)", null);
            return Uni.createFrom().voidItem();
        }
        String type = typeNode.asText();
        if (!KNOWN.contains(type)) {
            count("unknown");
            sender.error(session, id, ErrorCodes.UNKNOWN_TYPE, "unknown frame type", null);
            return Uni.createFrom().voidItem();
        }
        count(type);
        if (id == null) {
            sender.error(session, null, ErrorCodes.BAD_REQUEST, "id is required: a string of 1-" + MAX_ID + " characters", null);
            return Uni.createFrom().voidItem();
        }
        if (session.pending.containsKey(id)) {
            sender.error(session, id, ErrorCodes.BAD_REQUEST, "id is already in use by a command in flight", null);
            return Uni.createFrom().voidItem();
        }
        Uni<Void> work;
        try {
            work = dispatch(session, type, id, frame);
        } catch (FrameError e) {
            work = Uni.createFrom().failure(e);
        }
        Uni<Void> answered = answerFailures(session, id, type, work);
        if ("sync".equals(type)) {
            // A socket's frames and pongs are handled one at a time, each after the previous one's Uni completed. A
            // sync waits for message-service (up to a minute in a reconnect storm): held in that line, it kept the
            // socket's pongs from being seen, and the socket was closed as half-open. It is answered when it is done.
            return queueSync(session, answered) ? Uni.createFrom().voidItem()
                    : answerFailures(session, id, type, Uni.createFrom().failure(new FrameError(ErrorCodes.RATE_LIMITED,
                            "at most " + MAX_QUEUED_SYNCS + " syncs at a time per connection", 1000L)));
        }
        return answered;
    }

    /** A command that fails is answered with an error frame; the returned Uni never fails. */
    private Uni<Void> answerFailures(ClientSession session, String id, String type, Uni<Void> work) {
        return work.onFailure().recoverWithItem(e -> {
            if (e instanceof FrameError fe) {
                if (ErrorCodes.RATE_LIMITED.equals(fe.code)) {
                    metrics.counter("chat_gateway_rate_limited_total", "type", type).increment();
                }
                session.pending.remove(id);
                sender.error(session, id, fe.code, fe.getMessage(), fe.retryAfterMs);
            } else {
                session.pending.remove(id);
                sender.error(session, id, ErrorCodes.UNAVAILABLE, "temporarily unavailable, retry", 1000L);
            }
            return null;
        });
    }

    /**
     * A socket's syncs still run one after another, as before they left the socket's line: one socket cannot take
     * more than one of the pooled connections to message-service, and at most {@value #MAX_QUEUED_SYNCS} run or wait.
     *
     * @return false when that many are already running or waiting
     */
    private boolean queueSync(ClientSession s, Uni<Void> sync) {
        synchronized (s) {
            if (s.syncs == null) {
                s.syncs = new ArrayDeque<>(2);
            }
            if (s.syncs.size() >= MAX_QUEUED_SYNCS) {
                return false;
            }
            s.syncs.add(sync);
            if (s.syncs.size() > 1) {
                return true; // started when the ones before it are done
            }
        }
        runSyncs(s, sync);
        return true;
    }

    private void runSyncs(ClientSession s, Uni<Void> sync) {
        Runnable next = () -> {
            Uni<Void> following;
            synchronized (s) {
                s.syncs.poll();
                following = s.syncs.peek();
                if (following == null) {
                    s.syncs = null;
                }
            }
            if (following != null) {
                runSyncs(s, following);
            }
        };
        if (!s.connection.isOpen()) {
            next.run(); // nobody to answer
            return;
        }
        sync.subscribe().with(x -> next.run(), e -> next.run()); // it recovers every failure with an error frame
    }

    private Uni<Void> dispatch(ClientSession s, String type, String id, JsonNode f) {
        return switch (type) {
            case "ping" -> ack(s, id);
            case "message.send" -> send(s, id, f);
            case "sync" -> sync(s, id, f);
            case "typing" -> typing(s, id, f);
            case "presence.set" -> presence(s, id, f);
            case "auth.refresh" -> refresh(s, id, f);
            default -> forward(s, type, id, f);
        };
    }

    private Uni<Void> send(ClientSession s, String id, JsonNode f) {
        String room = requireText(f, "room", MAX_ID);
        String clientMsgId = requireText(f, "clientMsgId", MAX_ID);
        String text = requireText(f, "text", Integer.MAX_VALUE);
        if (text.strip().codePointCount(0, text.strip().length()) > MAX_TEXT_CODE_POINTS) {
            throw new FrameError(ErrorCodes.TOO_LARGE, "text is longer than " + MAX_TEXT_CODE_POINTS + " characters");
        }
        String replyTo = optionalText(f, "replyTo", MAX_ID);
        String threadRoot = optionalText(f, "threadRoot", MAX_ID);
        GatewayConfig.RateLimits limits = config.rateLimits();
        return limiter.takeForSend(s.userId, room, text.strip(), clientMsgId, limits.sendPerMinute(), limits.sendBurst(),
                        config.duplicateWindow().toMillis())
                .flatMap(check -> {
                    if (check.waitMs() > 0) {
                        throw rateLimited("send", check.waitMs());
                    }
                    if (check.duplicate()) {
                        throw new FrameError(ErrorCodes.DUPLICATE, "the same text was just sent to this room");
                    }
                    activity(s);
                    return forwardCommand(s, "message.send", id, new ChatCommand(new Origin(config.id(), s.id(), id), s.userId,
                            List.copyOf(s.groups), room, clientMsgId, text, replyTo, threadRoot, null, null, null));
                });
    }

    /** Edits, deletes, reactions and receipts go to message-service as they are; it answers through chat.events. */
    private Uni<Void> forward(ClientSession s, String type, String id, JsonNode f) {
        String room = requireText(f, "room", MAX_ID);
        String msgId = null;
        String emoji = null;
        String text = null;
        Long seq = null;
        switch (type) {
            case "message.edit" -> {
                msgId = requireText(f, "msgId", MAX_ID);
                text = requireText(f, "text", Integer.MAX_VALUE);
            }
            case "message.delete" -> msgId = requireText(f, "msgId", MAX_ID);
            case "reaction.add", "reaction.remove" -> {
                msgId = requireText(f, "msgId", MAX_ID);
                emoji = requireText(f, "emoji", 64);
            }
            default -> seq = requireSeq(f, "seq");
        }
        GatewayConfig.RateLimits limits = config.rateLimits();
        ChatCommand command = new ChatCommand(new Origin(config.id(), s.id(), id), s.userId, List.copyOf(s.groups), room,
                null, text, null, null, msgId, emoji, seq);
        return limit("other", s, limits.otherPerMinute(), limits.otherBurst()).flatMap(x -> {
            activity(s);
            return forwardCommand(s, type, id, command);
        });
    }

    private Uni<Void> forwardCommand(ClientSession s, String type, String id, ChatCommand command) {
        s.pending.put(id, System.currentTimeMillis());
        return outbound.command(command.room(), type, command)
                .onFailure().invoke(e -> s.pending.remove(id))
                .onFailure().transform(e -> new FrameError(ErrorCodes.UNAVAILABLE, "cannot reach the message pipeline, retry", 1000L));
    }

    private Uni<Void> sync(ClientSession s, String id, JsonNode f) {
        JsonNode roomsNode = f.get("rooms");
        if (roomsNode == null || !roomsNode.isObject()) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, "rooms is required: an object of room id to last seq");
        }
        if (roomsNode.size() > MAX_SYNC_ROOMS) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, "at most " + MAX_SYNC_ROOMS + " rooms per sync");
        }
        Map<String, Long> since = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = roomsNode.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode v = e.getValue();
            if (e.getKey().length() > MAX_ID || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
                throw new FrameError(ErrorCodes.BAD_REQUEST, "rooms values are last seen seq numbers >= 0");
            }
            since.put(e.getKey(), v.asLong());
        }
        GatewayConfig.RateLimits limits = config.rateLimits();
        return limit("sync", s, limits.syncPerMinute(), limits.syncBurst())
                .flatMap(x -> messages.sync(s.authorization(), since)).map(result -> {
                    if (result.status() != 200) {
                        String code = result.body().path("code").asText(ErrorCodes.UNAVAILABLE);
                        throw new FrameError(code, result.body().path("message").asText("sync failed"));
                    }
                    ObjectNode ack = Frames.ack(id);
                    ack.set("rooms", result.body().path("rooms"));
                    sender.send(s, ack);
                    return null;
                });
    }

    private Uni<Void> typing(ClientSession s, String id, JsonNode f) {
        String room = requireText(f, "room", MAX_ID);
        String state = requireText(f, "state", 8);
        if (!state.equals("start") && !state.equals("stop")) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, "state is start or stop");
        }
        if (!rooms.isMember(room, s.userId)) {
            throw new FrameError(ErrorCodes.NOT_FOUND, "room not found");
        }
        GatewayConfig.RateLimits limits = config.rateLimits();
        return limiter.take("typing", s.userId, limits.typingPerMinute(), limits.typingBurst()).flatMap(wait -> {
            if (wait > 0) {
                // past the limit typing is dropped silently; the command is still answered once
                return ack(s, id);
            }
            activity(s);
            return outbound.signal(s.userId, EventTypes.SIGNAL_TYPING,
                    new PresenceSignal(s.userId, config.id(), s.id(), null, null, null, room, state))
                    .flatMap(x -> ack(s, id));
        });
    }

    private Uni<Void> presence(ClientSession s, String id, JsonNode f) {
        String status = requireText(f, "status", 8);
        if (!Set.of("online", "away", "dnd").contains(status)) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, "status is online, away or dnd");
        }
        String text = optionalText(f, "text", 140);
        GatewayConfig.RateLimits limits = config.rateLimits();
        return limit("other", s, limits.otherPerMinute(), limits.otherBurst())
                .flatMap(x -> outbound.signal(s.userId, EventTypes.SIGNAL_STATUS_SET,
                        new PresenceSignal(s.userId, config.id(), s.id(), null, status, text, null, null)))
                .flatMap(x -> ack(s, id));
    }

    /** A fresh access token extends the session; it must be valid and for the same user. */
    private Uni<Void> refresh(ClientSession s, String id, JsonNode f) {
        String token = requireText(f, "accessToken", 8192);
        return Uni.createFrom().item(() -> {
            try {
                return jwtParser.parse(token); // verifies signature, alg, iss, aud, exp as for the handshake
            } catch (ParseException e) {
                throw new FrameError(ErrorCodes.UNAUTHORIZED, "the access token is not valid");
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).map(jwt -> {
            if (!s.userId.equals(jwt.getSubject())) {
                throw new FrameError(ErrorCodes.FORBIDDEN, "the access token is for another user");
            }
            s.authorization = "Bearer " + token;
            s.expiresAtMillis = jwt.getExpirationTime() * 1000;
            s.issuedAtMillis = jwt.getIssuedAtTime() * 1000;
            ObjectNode ack = Frames.ack(id);
            ack.put("expiresAt", Instant.ofEpochSecond(jwt.getExpirationTime()).toString());
            sender.send(s, ack);
            return null;
        });
    }

    private Uni<Void> ack(ClientSession s, String id) {
        sender.send(s, Frames.ack(id));
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> limit(String kind, ClientSession s, int perMinute, int burst) {
        return limiter.take(kind, s.userId, perMinute, burst).map(wait -> {
            if (wait > 0) {
                throw rateLimited(kind, wait);
            }
            return null;
        });
    }

    private static FrameError rateLimited(String kind, long waitMs) {
        return new FrameError(ErrorCodes.RATE_LIMITED, "too many " + kind + " commands, slow down", waitMs);
    }

    /** Tells presence the user is active, at most once a minute per socket. */
    private void activity(ClientSession s) {
        long now = System.currentTimeMillis();
        if (now - s.lastActiveSignalMillis > 60_000) {
            s.lastActiveSignalMillis = now;
            outbound.signal(s.userId, EventTypes.SIGNAL_ACTIVE,
                    new PresenceSignal(s.userId, config.id(), s.id(), null, null, null, null, null))
                    .subscribe().with(x -> { }, e -> { });
        }
    }

    /** Counters per known frame type, looked up once (a registry lookup per frame costs more than the increment). */
    private final java.util.Map<String, io.micrometer.core.instrument.Counter> framesIn = new java.util.concurrent.ConcurrentHashMap<>();

    private void count(String type) {
        framesIn.computeIfAbsent(type, t -> metrics.counter("chat_gateway_frames_in_total", "type", t)).increment();
    }

    static String requireText(JsonNode f, String field, int max) {
        JsonNode v = f.get(field);
        if (v == null || v.isNull()) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, field + " is required");
        }
        if (!v.isTextual()) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, field + " must be a string");
        }
        String text = v.asText();
        if (text.isEmpty()) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, field + " must not be empty");
        }
        if (text.length() > max) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, field + " is too long");
        }
        return text;
    }

    static String optionalText(JsonNode f, String field, int max) {
        JsonNode v = f.get(field);
        return v == null || v.isNull() ? null : requireText(f, field, max);
    }

    static long requireSeq(JsonNode f, String field) {
        JsonNode v = f.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new FrameError(ErrorCodes.BAD_REQUEST, field + " must be an integer >= 0");
        }
        return v.asLong();
    }
}

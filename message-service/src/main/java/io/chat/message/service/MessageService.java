package io.chat.message.service;

import io.chat.contracts.CommandResult;
import io.chat.contracts.EventTypes;
import io.chat.contracts.MessageCreated;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.Origin;
import io.chat.contracts.RoomChanged;
import io.chat.message.config.MessageConfig;
import io.chat.message.messaging.EventOutbox;
import io.chat.message.messaging.OutboxRelay;
import io.chat.message.repository.MessageRepository;
import io.chat.message.repository.RoomRepository;
import io.chat.message.repository.RoomRepository.Access;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Storing messages: one transaction gives out the seq, stores the message and writes its events to the outbox. */
@ApplicationScoped
public class MessageService {
    private static final Pattern CLIENT_MSG_ID = Pattern.compile("[\\x21-\\x7E]{1,64}");

    @Inject
    Pool pool;
    @Inject
    RoomRepository rooms;
    @Inject
    MessageRepository messages;
    @Inject
    EventOutbox outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    MessageConfig config;

    /** What a send acknowledges: exactly the ack fields of the contract. */
    public record Sent(String msgId, String room, long seq, Instant ts, boolean repeated) {
        public Map<String, Object> ack() {
            Map<String, Object> ack = new LinkedHashMap<>();
            ack.put("msgId", msgId);
            ack.put("room", room);
            ack.put("seq", seq);
            ack.put("ts", ts.toString());
            return ack;
        }
    }

    /**
     * Stores a message once per (room, sender, clientMsgId). With an {@code origin} (a gateway
     * command), the command is answered in the same transaction's outbox: by the new message's
     * message.created, which carries the origin, or by a command.result for a repeat.
     */
    public Uni<Sent> send(Caller caller, String roomId, String clientMsgId, String rawText, String replyTo,
            String threadRoot, Origin origin) {
        UUID room = RoomIds.parse(roomId);
        if (clientMsgId == null || !CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
            throw ChatException.badRequest("clientMsgId", "clientMsgId must be 1-64 printable ASCII characters");
        }
        String text = MessageText.normalize(rawText, config.maxTextLength());
        UUID reply = RoomIds.optionalMessage("replyTo", replyTo);
        UUID thread = RoomIds.optionalMessage("threadRoot", threadRoot);
        return pool.withTransaction(conn -> sendIn(conn, caller, room, clientMsgId, text, reply, thread, origin))
                // a concurrent duplicate committed first: the retry finds it and answers with the original
                .onFailure(MessageService::isUniqueViolation).retry().atMost(1)
                .invoke(relay::trigger);
    }

    private Uni<Sent> sendIn(SqlConnection conn, Caller caller, UUID room, String clientMsgId, String text, UUID reply,
            UUID thread, Origin origin) {
        // both reads go out at once (the connection pipelines them): one round trip instead of two
        return Uni.combine().all().unis(rooms.access(conn, room, caller.userId(), false),
                messages.byClientMsgId(conn, room, caller.userId(), clientMsgId)).asTuple().flatMap(both -> {
            Access access = both.getItem1();
            MessageEvent existing = both.getItem2();
            boolean staffJoining = RoomPolicy.requireWrite(access, caller);
            if (existing != null) {
                Sent sent = new Sent(existing.msgId(), existing.room(), existing.seq(), existing.ts(), true);
                return origin == null ? Uni.createFrom().item(sent)
                        : outbox.add(conn, room.toString(), EventTypes.COMMAND_RESULT, result(origin, sent)).replaceWith(sent);
            }
            return requireInRoom(conn, room, "replyTo", reply)
                    .flatMap(x -> requireInRoom(conn, room, "threadRoot", thread))
                    .flatMap(x -> staffJoining ? joinAsStaff(conn, access, caller) : Uni.createFrom().voidItem())
                    .flatMap(x -> mentions(conn, room, text))
                    .flatMap(mentioned -> messages.insertNext(conn, room, MessageIds.next(), caller.userId(), clientMsgId,
                            text, reply, thread, mentioned))
                    // the origin in message.created is the command's answer: its gateway acks from it
                    .flatMap(stored -> outbox.add(conn, stored.room(), EventTypes.MESSAGE_CREATED, new MessageCreated(stored, origin))
                            .replaceWith(new Sent(stored.msgId(), stored.room(), stored.seq(), stored.ts(), false)));
        });
    }

    /** A gateway's send that can be stored in a batch with others: valid, and without reply, thread or mentions. */
    public record PlainSend(Caller caller, UUID room, String clientMsgId, String text, Origin origin) {
    }

    /**
     * @return the send as a {@link PlainSend}, or null when it cannot be batched; {@link #send} then handles it and
     *         reports what is wrong with it, if anything
     */
    public PlainSend plain(Caller caller, String roomId, String clientMsgId, String rawText, String replyTo,
            String threadRoot, Origin origin) {
        if (origin == null || replyTo != null || threadRoot != null || clientMsgId == null
                || !CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
            return null;
        }
        try {
            UUID room = RoomIds.parse(roomId);
            if (!room.toString().equals(roomId)) {
                return null; // not in canonical form: answered under the key the client used, as one by one
            }
            String text = MessageText.normalize(rawText, config.maxTextLength());
            return MessageText.mentionedNames(text).isEmpty() ? new PlainSend(caller, room, clientMsgId, text, origin) : null;
        } catch (ChatException invalid) {
            return null;
        }
    }

    /** {@link #sendAll} met a send it does not handle (staff joining a support room): nothing was stored. */
    public static final class NotBatchable extends RuntimeException {
        NotBatchable() {
            super("a send needs the one-by-one path", null, false, false);
        }
    }

    /**
     * Stores plain sends of one or more rooms in one transaction with the same outcome as {@link #send} one by one:
     * two pipelined reads (access, earlier sends with the same clientMsgId), one insert for all new messages and one
     * outbox insert for their events and every command's result, refusals included. A room's sends must be in the
     * order they were sent. Fails as a whole, storing nothing, on a database error or with {@link NotBatchable}; the
     * caller then handles the sends one by one.
     */
    public Uni<Void> sendAll(List<PlainSend> sends) {
        return pool.withTransaction(conn -> sendAllIn(conn, sends)).invoke(relay::trigger);
    }

    private static final class Pending {
        final PlainSend send;
        ChatException refused;
        MessageEvent stored;
        UUID newId;
        Pending sameAs;

        Pending(PlainSend send) {
            this.send = send;
        }
    }

    private Uni<Void> sendAllIn(SqlConnection conn, List<PlainSend> sends) {
        int n = sends.size();
        UUID[] roomIds = new UUID[n];
        String[] senders = new String[n];
        String[] clientMsgIds = new String[n];
        for (int i = 0; i < n; i++) {
            roomIds[i] = sends.get(i).room();
            senders[i] = sends.get(i).caller().userId();
            clientMsgIds[i] = sends.get(i).clientMsgId();
        }
        return Uni.combine().all().unis(rooms.accessAll(conn, roomIds, senders),
                messages.byClientMsgIds(conn, roomIds, senders, clientMsgIds)).asTuple().flatMap(both -> {
            List<Pending> pending = new ArrayList<>(n);
            Map<String, Pending> newByKey = new java.util.HashMap<>();
            List<Pending> fresh = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Pending p = new Pending(sends.get(i));
                pending.add(p);
                try {
                    if (RoomPolicy.requireWrite(both.getItem1().get(i), p.send.caller())) {
                        return Uni.createFrom().failure(new NotBatchable());
                    }
                } catch (ChatException refused) {
                    p.refused = refused;
                    continue;
                }
                p.stored = both.getItem2().get(i);
                if (p.stored == null) {
                    // the same send twice in one batch (a client's resend): the second is answered like a repeat
                    p.sameAs = newByKey.putIfAbsent(roomIds[i] + "\n" + senders[i] + "\n" + clientMsgIds[i], p);
                    if (p.sameAs == null) {
                        p.newId = MessageIds.next();
                        fresh.add(p);
                    }
                }
            }
            return insertFresh(conn, fresh).flatMap(x -> outbox.addAll(conn, events(pending)));
        });
    }

    private Uni<Void> insertFresh(SqlConnection conn, List<Pending> fresh) {
        if (fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = fresh.size();
        UUID[] roomIds = new UUID[n];
        UUID[] ids = new UUID[n];
        String[] senders = new String[n];
        String[] clientMsgIds = new String[n];
        String[] texts = new String[n];
        for (int i = 0; i < n; i++) {
            PlainSend send = fresh.get(i).send;
            roomIds[i] = send.room();
            ids[i] = fresh.get(i).newId;
            senders[i] = send.caller().userId();
            clientMsgIds[i] = send.clientMsgId();
            texts[i] = send.text();
        }
        return messages.insertAllNext(conn, roomIds, ids, senders, clientMsgIds, texts, OffsetDateTime.now()).map(stored -> {
            for (Pending p : fresh) {
                p.stored = stored.get(p.newId);
                if (p.stored == null) { // its room was deleted after the access check
                    throw new IllegalStateException("room " + p.send.room() + " disappeared during a batched send");
                }
            }
            return null;
        });
    }

    /**
     * Every send's event in the order of the sends: message.created with the command's origin for a new message (its
     * gateway acks from it), the command's result for a repeat or a refusal.
     */
    private static List<EventOutbox.Event> events(List<Pending> pending) {
        List<EventOutbox.Event> events = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            String key = p.send.room().toString();
            if (p.refused != null) {
                events.add(new EventOutbox.Event(key, EventTypes.COMMAND_RESULT,
                        CommandResult.failed(p.send.origin(), p.refused.code, p.refused.getMessage())));
                continue;
            }
            MessageEvent m = p.sameAs != null ? p.sameAs.stored : p.stored;
            events.add(p.newId != null ? new EventOutbox.Event(key, EventTypes.MESSAGE_CREATED, new MessageCreated(m, p.send.origin()))
                    : new EventOutbox.Event(key, EventTypes.COMMAND_RESULT,
                            result(p.send.origin(), new Sent(m.msgId(), m.room(), m.seq(), m.ts(), true))));
        }
        return events;
    }

    private static CommandResult result(Origin origin, Sent sent) {
        return CommandResult.ok(origin, sent.ack());
    }

    private Uni<Void> requireInRoom(SqlConnection conn, UUID room, String field, UUID msgId) {
        if (msgId == null) {
            return Uni.createFrom().voidItem();
        }
        return messages.byId(conn, room, msgId).map(found -> {
            if (found == null) {
                throw ChatException.badRequest(field, field + " is not a message of this room");
            }
            return null;
        });
    }

    /** Staff answering a support room become members, so they receive its events from then on. */
    private Uni<Void> joinAsStaff(SqlConnection conn, Access access, Caller caller) {
        return rooms.addMember(conn, access.room(), caller.userId(), "member")
                .flatMap(x -> rooms.members(conn, access.room()))
                .flatMap(members -> outbox.add(conn, access.room().toString(), EventTypes.MEMBER_JOINED,
                        new RoomChanged(access.room().toString(), access.kind(), access.name(), caller.userId(), members)));
    }

    private Uni<List<String>> mentions(SqlConnection conn, UUID room, String text) {
        Set<String> names = MessageText.mentionedNames(text);
        if (names.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        boolean roomMention = names.remove(MessageText.ROOM_MENTION);
        Uni<List<String>> users = names.isEmpty() ? Uni.createFrom().item(List.of())
                : messages.memberIdsByUsername(conn, room, names);
        return users.map(ids -> {
            List<String> out = new ArrayList<>(ids);
            if (roomMention) {
                out.add(MessageText.ROOM_MENTION);
            }
            return out;
        });
    }

    /** History of a room the caller may read, ascending by seq. */
    public Uni<List<MessageEvent>> page(Caller caller, String roomId, Long after, Long before, int limit) {
        UUID room = RoomIds.parse(roomId);
        return rooms.access(pool, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.requireRead(access, caller);
            return messages.page(pool, room, after, before, limit);
        });
    }

    /** Records a command that failed, so its gateway answers the client with an error frame. */
    public Uni<Void> fail(String roomKey, Origin origin, String code, String message) {
        return pool.withTransaction(conn -> outbox.add(conn, roomKey == null ? "" : roomKey, EventTypes.COMMAND_RESULT,
                CommandResult.failed(origin, code, message))).invoke(relay::trigger);
    }

    static boolean isUniqueViolation(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

}

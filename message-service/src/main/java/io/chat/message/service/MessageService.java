package io.chat.message.service;

import io.chat.contracts.CommandResult;
import io.chat.contracts.EventTypes;
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
     * command), the command's result goes into the same transaction's outbox.
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
                    .flatMap(mentioned -> messages.insertNext(conn, room, UUID.randomUUID(), caller.userId(), clientMsgId,
                            text, reply, thread, mentioned))
                    .flatMap(stored -> {
                        Sent sent = new Sent(stored.msgId(), stored.room(), stored.seq(), stored.ts(), false);
                        List<EventOutbox.Event> events = origin == null
                                ? List.of(new EventOutbox.Event(EventTypes.MESSAGE_CREATED, stored))
                                : List.of(new EventOutbox.Event(EventTypes.MESSAGE_CREATED, stored),
                                        new EventOutbox.Event(EventTypes.COMMAND_RESULT, result(origin, sent)));
                        return outbox.addAll(conn, stored.room(), events).replaceWith(sent);
                    });
        });
    }

    private static CommandResult result(Origin origin, Sent sent) {
        return new CommandResult(origin, true, sent.ack(), null, null);
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
                new CommandResult(origin, false, null, code, message))).invoke(relay::trigger);
    }

    static boolean isUniqueViolation(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

}

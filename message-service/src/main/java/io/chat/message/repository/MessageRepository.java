package io.chat.message.repository;

import io.chat.contracts.MessageEvent;
import io.chat.message.mapping.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static io.chat.message.mapping.Rows.MESSAGE_COLUMNS;

@ApplicationScoped
public class MessageRepository {

    public Uni<MessageEvent> byClientMsgId(SqlClient db, UUID room, String sender, String clientMsgId) {
        return db.preparedQuery("select " + MESSAGE_COLUMNS + " from messages where room_id = $1 and sender = $2 and client_msg_id = $3")
                .execute(Tuple.of(room, sender, clientMsgId)).map(MessageRepository::first);
    }

    public Uni<MessageEvent> byId(SqlClient db, UUID room, UUID msgId) {
        return db.preparedQuery("select " + MESSAGE_COLUMNS + " from messages where room_id = $1 and id = $2")
                .execute(Tuple.of(room, msgId)).map(MessageRepository::first);
    }

    /**
     * Gives the message the room's next seq and stores it, in one statement: the update takes the room row's
     * lock, which serializes concurrent senders of the room until the transaction ends (seq stays gap-free).
     */
    public Uni<MessageEvent> insertNext(SqlClient db, UUID room, UUID id, String sender, String clientMsgId,
            String text, UUID replyTo, UUID threadRoot, List<String> mentions) {
        return db.preparedQuery("with next as (update rooms set last_seq = last_seq + 1, last_activity_at = now() "
                + "where id = $1 returning last_seq) "
                + "insert into messages (room_id, seq, id, sender, client_msg_id, text, ts, reply_to, thread_root, mentions) "
                + "select $1, next.last_seq, $2, $3, $4, $5, $6, $7, $8, $9 from next returning " + MESSAGE_COLUMNS)
                .execute(Tuple.from(java.util.Arrays.asList(room, id, sender, clientMsgId, text, OffsetDateTime.now(),
                        replyTo, threadRoot, mentions.toArray(String[]::new))))
                .map(MessageRepository::first);
    }

    /**
     * {@link #byClientMsgId} for many keys in one query.
     *
     * @return the stored messages by the index of their key in the arrays
     */
    public Uni<java.util.Map<Integer, MessageEvent>> byClientMsgIds(SqlClient db, UUID[] roomIds, String[] senders,
            String[] clientMsgIds) {
        // 'offset 0': one index probe per key (see RoomRepository.accessAll)
        return db.preparedQuery("select q.i, m.* "
                        + "from unnest($1::uuid[], $2::text[], $3::text[]) with ordinality as q(room_id, sender, client_msg_id, i) "
                        + "join lateral (select " + MESSAGE_COLUMNS + " from messages m where m.room_id = q.room_id "
                        + "and m.sender = q.sender and m.client_msg_id = q.client_msg_id offset 0) m on true")
                .execute(Tuple.of(roomIds, senders, clientMsgIds)).map(rows -> {
                    java.util.Map<Integer, MessageEvent> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.put((int) (r.getLong("i") - 1), Rows.message(r)));
                    return out;
                });
    }

    /**
     * {@link #insertNext} for many plain messages (no reply, thread or mentions) of one or more rooms, in one
     * statement. The rooms' rows are locked in id order (so two such statements cannot deadlock), in the mode the
     * update itself takes (foreign-key checks on rooms still pass), and each room's
     * {@code last_seq} grows by its number of messages; a room's messages get the next seqs in array order.
     *
     * @return the stored messages, by id
     */
    public Uni<java.util.Map<UUID, MessageEvent>> insertAllNext(SqlClient db, UUID[] roomIds, UUID[] ids, String[] senders,
            String[] clientMsgIds, String[] texts, OffsetDateTime ts) {
        return db.preparedQuery("with input as (select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) "
                        + "with ordinality as t(room_id, id, sender, client_msg_id, text, i)), "
                        + "counts as (select room_id, count(*) as n from input group by room_id), "
                        + "locked as (select r.id from rooms r where r.id = any($1) order by r.id for no key update), "
                        + "next as (update rooms r set last_seq = r.last_seq + c.n, last_activity_at = now() from counts c "
                        + "where r.id = any($1) and r.id = c.room_id and r.id in (select id from locked) "
                        + "returning r.id, r.last_seq - c.n as base) "
                        + "insert into messages (room_id, seq, id, sender, client_msg_id, text, ts) "
                        + "select i.room_id, n.base + row_number() over (partition by i.room_id order by i.i), i.id, i.sender, "
                        + "i.client_msg_id, i.text, $6 from input i join next n on n.id = i.room_id "
                        + "returning " + MESSAGE_COLUMNS)
                .execute(Tuple.of(roomIds, ids, senders, clientMsgIds, texts, ts)).map(rows -> {
                    java.util.Map<UUID, MessageEvent> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.put(r.getUUID("id"), Rows.message(r)));
                    return out;
                });
    }

    /** Messages with seq in (after, before), ascending, at most {@code limit}; newest page first when paging backwards. */
    public Uni<List<MessageEvent>> page(SqlClient db, UUID room, Long after, Long before, int limit) {
        if (before != null) {
            return db.preparedQuery("select * from (select " + MESSAGE_COLUMNS + " from messages where room_id = $1 and seq < $2 "
                    + "order by seq desc limit $3) page order by seq").execute(Tuple.of(room, before, limit)).map(MessageRepository::all);
        }
        return db.preparedQuery("select " + MESSAGE_COLUMNS + " from messages where room_id = $1 and seq > $2 order by seq limit $3")
                .execute(Tuple.of(room, after == null ? 0L : after, limit)).map(MessageRepository::all);
    }

    /** User ids among the room's members whose usernames are in {@code names}. */
    public Uni<List<String>> memberIdsByUsername(SqlClient db, UUID room, Collection<String> names) {
        return db.preparedQuery("select u.id from users u join members m on m.user_id = u.id and m.room_id = $1 "
                + "where u.username = any($2) and not u.deleted")
                .execute(Tuple.of(room, names.toArray(String[]::new))).map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }

    /** The message, row-locked for a change (edit, delete) until the transaction ends. */
    public Uni<MessageEvent> lockById(SqlClient db, UUID room, UUID msgId) {
        return db.preparedQuery("select " + MESSAGE_COLUMNS + " from messages where room_id = $1 and id = $2 for update")
                .execute(Tuple.of(room, msgId)).map(MessageRepository::first);
    }

    /** Replaces the text and keeps the previous one in the edit history. */
    public Uni<MessageEvent> edit(SqlClient db, UUID msgId, String previousText, String text, OffsetDateTime at) {
        return db.preparedQuery("insert into message_edits (msg_id, edited_at, previous_text) values ($1, $2, $3)")
                .execute(Tuple.of(msgId, at, previousText))
                .flatMap(x -> db.preparedQuery("update messages set text = $2, edited_at = $3 where id = $1 returning " + MESSAGE_COLUMNS)
                        .execute(Tuple.of(msgId, text, at)))
                .map(MessageRepository::first);
    }

    /**
     * Turns messages into tombstones: text, edit history, reactions and pins go, room and seq stay
     * (so seq stays gap-free for sync). {@code newSender} replaces the author when not null (erasure).
     *
     * @return the tombstones, for message.deleted events
     */
    public Uni<List<MessageEvent>> tombstone(SqlClient db, UUID[] msgIds, String newSender) {
        return db.preparedQuery("delete from message_edits where msg_id = any($1)").execute(Tuple.of((Object) msgIds))
                .flatMap(x -> db.preparedQuery("delete from reactions where msg_id = any($1)").execute(Tuple.of((Object) msgIds)))
                .flatMap(x -> db.preparedQuery("delete from pins where msg_id = any($1)").execute(Tuple.of((Object) msgIds)))
                .flatMap(x -> db.preparedQuery("update messages set text = null, deleted = true, mentions = '{}', "
                        // the idempotency key must stay unique once every erased author is 'deleted'
                        + "sender = coalesce($2, sender), client_msg_id = case when $2 is null then client_msg_id else id::text end "
                        + "where id = any($1) returning " + MESSAGE_COLUMNS)
                        .execute(Tuple.of(msgIds, newSender)))
                .map(MessageRepository::all);
    }

    /** Users holding {@code emoji} on the message, first reaction first. */
    public Uni<List<String>> reactionUsers(SqlClient db, UUID msgId, String emoji) {
        return db.preparedQuery("select user_id from reactions where msg_id = $1 and emoji = $2 order by created_at, user_id")
                .execute(Tuple.of(msgId, emoji)).map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** emoji → users for each of the messages, in one query (history pages show reactions). */
    public Uni<java.util.Map<UUID, java.util.Map<String, List<String>>>> reactionsOf(SqlClient db, UUID[] msgIds) {
        if (msgIds.length == 0) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        return db.preparedQuery("select msg_id, emoji, user_id from reactions where msg_id = any($1) order by msg_id, emoji, created_at, user_id")
                .execute(Tuple.of((Object) msgIds)).map(rows -> {
                    java.util.Map<UUID, java.util.Map<String, List<String>>> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getUUID(0), k -> new java.util.LinkedHashMap<>())
                            .computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2)));
                    return out;
                });
    }

    /** The thread: the root's replies in seq order after {@code after}. */
    public Uni<List<MessageEvent>> thread(SqlClient db, UUID room, UUID root, long after, int limit) {
        return db.preparedQuery("select " + MESSAGE_COLUMNS + " from messages where room_id = $1 and thread_root = $2 and seq > $3 "
                + "order by seq limit $4").execute(Tuple.of(room, root, after, limit)).map(MessageRepository::all);
    }

    static MessageEvent first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : Rows.message(rows.iterator().next());
    }

    static List<MessageEvent> all(RowSet<Row> rows) {
        List<MessageEvent> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(Rows.message(r)));
        return out;
    }
}

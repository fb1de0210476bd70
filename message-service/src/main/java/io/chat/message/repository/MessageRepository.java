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

    public Uni<MessageEvent> insert(SqlClient db, UUID room, long seq, UUID id, String sender, String clientMsgId,
            String text, UUID replyTo, UUID threadRoot, List<String> mentions) {
        return db.preparedQuery("insert into messages (room_id, seq, id, sender, client_msg_id, text, ts, reply_to, thread_root, mentions) "
                + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning " + MESSAGE_COLUMNS)
                .execute(Tuple.from(java.util.Arrays.asList(room, seq, id, sender, clientMsgId, text, OffsetDateTime.now(),
                        replyTo, threadRoot, mentions.toArray(String[]::new))))
                .map(MessageRepository::first);
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

    static MessageEvent first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : Rows.message(rows.iterator().next());
    }

    static List<MessageEvent> all(RowSet<Row> rows) {
        List<MessageEvent> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(Rows.message(r)));
        return out;
    }
}

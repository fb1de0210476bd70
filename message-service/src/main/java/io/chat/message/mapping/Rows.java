package io.chat.message.mapping;

import io.chat.contracts.MessageEvent;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Rows to wire records. Column names are the ones the repositories select. */
public final class Rows {
    public static final String MESSAGE_COLUMNS =
            "room_id, seq, id, sender, client_msg_id, text, ts, reply_to, thread_root, mentions, edited_at, deleted";

    private Rows() {
    }

    public static MessageEvent message(Row r) {
        boolean deleted = r.getBoolean("deleted");
        String[] mentions = r.getArrayOfStrings("mentions");
        return new MessageEvent(str(r.getUUID("room_id")), str(r.getUUID("id")), r.getLong("seq"), r.getString("sender"),
                deleted ? null : r.getString("text"), instant(r.getOffsetDateTime("ts")), r.getString("client_msg_id"),
                str(r.getUUID("reply_to")), str(r.getUUID("thread_root")),
                mentions == null ? List.of() : Arrays.asList(mentions), instant(r.getOffsetDateTime("edited_at")),
                deleted ? Boolean.TRUE : null);
    }

    public static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    public static String str(UUID id) {
        return id == null ? null : id.toString();
    }
}

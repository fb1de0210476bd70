package io.chat.message.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.chat.contracts.ErrorCodes;
import io.chat.contracts.MessageEvent;
import io.chat.message.mapping.Rows;
import io.chat.message.repository.MessageRepository;
import io.chat.message.repository.RoomRepository;
import io.chat.message.service.MembershipService.Page;
import io.chat.message.service.RoomPolicy.Op;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Read-only views of messages: reactions on history pages, threads, edit history, search, export. */
@ApplicationScoped
public class MessageViews {
    /** Search pages by offset (ranks are not a stable keyset); this bounds how deep a search can page. */
    static final int MAX_SEARCH_OFFSET = 500;

    @Inject
    Pool pool;
    @Inject
    RoomRepository rooms;
    @Inject
    MessageRepository messages;

    /** A message as REST lists show it: the wire message plus {@code reactions} (emoji → users) when it has any. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageView(@JsonUnwrapped MessageEvent message, Map<String, List<String>> reactions) {
    }

    /** Adds the reactions of a page of messages with one query. */
    public Uni<List<MessageView>> withReactions(List<MessageEvent> page) {
        UUID[] ids = page.stream().map(m -> UUID.fromString(m.msgId())).toArray(UUID[]::new);
        return messages.reactionsOf(pool, ids).map(reactions -> page.stream()
                .map(m -> new MessageView(m, reactions.get(UUID.fromString(m.msgId())))).toList());
    }

    public record Thread(MessageView root, List<MessageView> items, String next) {
    }

    /** The root message and its replies (messages whose threadRoot is the root), in seq order. */
    public Uni<Thread> thread(Caller caller, String roomId, String msgId, String cursor, int limit) {
        UUID room = RoomIds.parse(roomId);
        UUID root = RoomIds.message(msgId);
        long after = Cursors.decodeLong(cursor, 0);
        return rooms.access(pool, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.READ, access, caller);
            return messages.byId(pool, room, root).flatMap(r -> {
                if (r == null) {
                    throw new ChatException(ErrorCodes.NOT_FOUND, "message not found");
                }
                return messages.thread(pool, room, root, after, limit + 1).flatMap(replies -> {
                    boolean more = replies.size() > limit;
                    List<MessageEvent> page = more ? replies.subList(0, limit) : replies;
                    List<MessageEvent> all = new ArrayList<>(page);
                    all.add(0, r);
                    return withReactions(all).map(views -> new Thread(views.get(0), views.subList(1, views.size()),
                            more ? Cursors.encode(page.get(page.size() - 1).seq()) : null));
                });
            });
        });
    }

    public record Version(String text, Instant since, Instant until) {
    }

    /** The texts a message had, oldest first; the last one is the current text (until null). Tombstones have none. */
    public Uni<Map<String, Object>> history(Caller caller, String roomId, String msgId) {
        UUID room = RoomIds.parse(roomId);
        UUID id = RoomIds.message(msgId);
        return rooms.access(pool, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.READ, access, caller);
            return messages.byId(pool, room, id).flatMap(m -> {
                if (m == null) {
                    throw new ChatException(ErrorCodes.NOT_FOUND, "message not found");
                }
                return pool.preparedQuery("select edited_at, previous_text from message_edits where msg_id = $1 order by edited_at")
                        .execute(Tuple.of(id)).map(rows -> {
                            List<Version> items = new ArrayList<>();
                            Instant since = m.ts();
                            for (Row r : rows) {
                                Instant at = Rows.instant(r.getOffsetDateTime("edited_at"));
                                items.add(new Version(r.getString("previous_text"), since, at));
                                since = at;
                            }
                            if (!Boolean.TRUE.equals(m.deleted())) {
                                items.add(new Version(m.text(), since, null));
                            }
                            return Map.of("msgId", m.msgId(), "items", items);
                        });
            });
        });
    }

    public record Hit(@JsonUnwrapped MessageEvent message, double rank) {
    }

    /**
     * Full text over the rooms the caller is a member of (websearch syntax, 'simple' configuration:
     * no stemming, so any language works the same), best rank first, newest first among equals.
     */
    public Uni<Page<Hit>> search(Caller caller, String q, String roomId, String cursor, int limit) {
        if (q == null || q.isBlank() || q.length() > 256) {
            throw ChatException.badRequest("q", "q must be 1-256 characters");
        }
        UUID room = roomId == null ? null : RoomIds.parse(roomId);
        long offset = Cursors.decodeLong(cursor, 0);
        if (offset < 0 || offset > MAX_SEARCH_OFFSET) {
            throw ChatException.badRequest("cursor", "invalid cursor");
        }
        return customPlans(conn -> conn.preparedQuery(SEARCH).execute(Tuple.from(Arrays.asList(caller.userId(), q, room, limit + 1,
                offset)))).map(rows -> {
            List<Hit> items = new ArrayList<>();
            rows.forEach(r -> items.add(new Hit(Rows.message(r), r.getDouble("rank"))));
            boolean more = items.size() > limit && offset + limit <= MAX_SEARCH_OFFSET;
            if (items.size() > limit) {
                items.remove(limit);
            }
            return new Page<>(items, more ? Cursors.encode(offset + limit) : null);
        });
    }

    static final String SEARCH = "select " + prefixed("m") + ", ts_rank(m.search, q) as rank "
            + "from websearch_to_tsquery('simple', $2) q, members mb join messages m on m.room_id = mb.room_id "
            + "where mb.user_id = $1 and ($3::uuid is null or mb.room_id = $3) and m.search @@ q and not m.deleted "
            + "order by rank desc, m.ts desc, m.id limit $4 offset $5";

    /**
     * Runs {@code query} with plans made for its parameters' values at every execution. The pool's connections keep
     * generic plans (see application.properties), and a generic plan cannot tell whether {@code $3 is null}: for a search
     * within one room it walked the whole room (90 ms for 300,000 messages) where the custom plan uses the text index
     * (2.5 ms). Not "auto": after five executions it may settle on the generic plan by its (misestimated) cost.
     */
    <T> Uni<T> customPlans(Function<SqlConnection, Uni<T>> query) {
        return pool.withTransaction(conn -> conn.query("set local plan_cache_mode = force_custom_plan").execute()
                .flatMap(x -> query.apply(conn)));
    }

    /** The caller's own messages (not tombstones) across every room, oldest first, keyset-paged: for the account export. */
    public Uni<Page<MessageEvent>> export(Caller caller, String cursor, int limit) {
        String[] c = Cursors.decode(cursor, 2);
        OffsetDateTime afterTs = c == null ? OffsetDateTime.parse("1970-01-01T00:00:00Z") : MembershipService.parseTs(c[0]);
        UUID afterId = c == null ? new UUID(Long.MIN_VALUE, Long.MIN_VALUE) : RoomIds.cursorId(c[1]);
        return pool.preparedQuery("select " + Rows.MESSAGE_COLUMNS + " from messages where sender = $1 and (ts, id) > ($2, $3) "
                + "and not deleted order by ts, id limit $4").execute(Tuple.of(caller.userId(), afterTs, afterId, limit + 1))
                .map(rows -> {
                    List<MessageEvent> items = new ArrayList<>();
                    List<OffsetDateTime> ts = new ArrayList<>();
                    rows.forEach(r -> {
                        items.add(Rows.message(r));
                        ts.add(r.getOffsetDateTime("ts"));
                    });
                    if (items.size() > limit) {
                        items.remove(limit);
                        return new Page<>(items, Cursors.encode(ts.get(limit - 1), items.get(limit - 1).msgId()));
                    }
                    return new Page<>(items, null);
                });
    }

    private static String prefixed(String alias) {
        return Arrays.stream(Rows.MESSAGE_COLUMNS.split(",\\s*")).map(c -> alias + "." + c).reduce((a, b) -> a + ", " + b).orElseThrow();
    }
}

package io.chat.message.service;

import io.chat.contracts.ErrorCodes;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Member;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.RoomChanged;
import io.chat.message.mapping.Rows;
import io.chat.message.messaging.EventOutbox;
import io.chat.message.messaging.OutboxRelay;
import io.chat.message.repository.RoomRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class RoomService {
    static final int MAX_INITIAL_MEMBERS = 1000;

    @Inject
    Pool pool;
    @Inject
    RoomRepository rooms;
    @Inject
    EventOutbox outbox;
    @Inject
    OutboxRelay relay;

    /** A room as the API shows it. */
    /** retentionSeconds null means permanent. */
    public record RoomView(String id, String kind, String name, String status, String createdBy, List<Member> members,
            Instant createdAt, long lastSeq, Long retentionSeconds, Long unread, MessageEvent lastMessage) {
    }

    public record Created(RoomView room, boolean existed) {
    }

    public Uni<Created> create(Caller caller, String kind, String name, List<String> memberIds) {
        if (kind == null || !Set.of("direct", "group", "channel", "support").contains(kind)) {
            throw ChatException.badRequest("kind", "kind must be direct, group, channel or support");
        }
        Set<String> others = new LinkedHashSet<>();
        if (memberIds != null) {
            for (String id : memberIds) {
                if (id == null || id.isBlank() || id.length() > 64) {
                    throw ChatException.badRequest("members", "members must be user ids");
                }
                if (!id.equals(caller.userId())) {
                    others.add(id);
                }
            }
        }
        if (others.size() > MAX_INITIAL_MEMBERS) {
            throw ChatException.badRequest("members", "at most " + MAX_INITIAL_MEMBERS + " members at creation");
        }
        String cleanName = name == null ? null : name.strip();
        switch (kind) {
            case "direct" -> {
                if (others.size() != 1) {
                    throw ChatException.badRequest("members", "a direct room has exactly one other member");
                }
                cleanName = null;
            }
            case "support" -> others.clear(); // staff join by answering
            default -> {
                if (cleanName == null || cleanName.isEmpty() || cleanName.length() > 100) {
                    throw ChatException.badRequest("name", "name must be 1-100 characters");
                }
            }
        }
        String finalName = cleanName;
        UUID id = UUID.randomUUID();
        String directKey = "direct".equals(kind) ? directKey(caller.userId(), others.iterator().next()) : null;
        return pool.withTransaction(conn -> conn.preparedQuery(
                "insert into rooms (id, kind, name, created_by, direct_key) values ($1, $2, $3, $4, $5) on conflict (direct_key) do nothing returning id")
                .execute(Tuple.of(id, kind, finalName, caller.userId(), directKey)).flatMap(inserted -> {
                    if (inserted.size() == 0) { // the direct room of this pair exists already
                        return conn.preparedQuery("select id from rooms where direct_key = $1").execute(Tuple.of(directKey))
                                .flatMap(r -> view(conn, r.iterator().next().getUUID(0))).map(v -> new Created(v, true));
                    }
                    List<Member> members = new ArrayList<>();
                    members.add(new Member(caller.userId(), "direct".equals(kind) ? "member" : "owner"));
                    others.forEach(o -> members.add(new Member(o, "member")));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Member m : members) {
                        chain = chain.flatMap(x -> rooms.addMember(conn, id, m.userId(), m.role()));
                    }
                    return chain.flatMap(x -> outbox.add(conn, id.toString(), EventTypes.ROOM_CREATED,
                            new RoomChanged(id.toString(), kind, finalName, null, members)))
                            .flatMap(x -> view(conn, id)).map(v -> new Created(v, false));
                }))
                .onFailure(MessageService::isUniqueViolation).transform(e -> new ChatException(ErrorCodes.CONFLICT,
                        "you already have an open support room"))
                .invoke(c -> relay.trigger());
    }

    public Uni<RoomView> get(Caller caller, String roomId) {
        UUID room = RoomIds.parse(roomId);
        return rooms.access(pool, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(RoomPolicy.Op.VIEW, access, caller);
            return view(pool, room);
        });
    }

    Uni<RoomView> view(io.vertx.mutiny.sqlclient.SqlClient db, UUID room) {
        return db.preparedQuery("select id, kind, name, status, created_by, created_at, last_seq, retention_seconds from rooms where id = $1")
                .execute(Tuple.of(room)).flatMap(rows -> {
                    Row r = rows.iterator().next();
                    return rooms.members(db, room).map(members -> new RoomView(r.getUUID("id").toString(), r.getString("kind"),
                            r.getString("name"), r.getString("status"), r.getString("created_by"), members,
                            Rows.instant(r.getOffsetDateTime("created_at")), r.getLong("last_seq"), r.getLong("retention_seconds"),
                            null, null));
                });
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Page(List<RoomView> items, String next) {
    }

    /**
     * The caller's rooms, most recently active first, each with unread count and last message:
     * two queries whatever the number of rooms (rooms with their last message, then their members).
     */
    public Uni<Page> mine(Caller caller, String cursor, int limit) {
        OffsetDateTime afterTs = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        UUID afterId = new UUID(Long.MAX_VALUE, Long.MAX_VALUE);
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                afterTs = OffsetDateTime.parse(parts[0]);
                afterId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw ChatException.badRequest("cursor", "invalid cursor");
            }
        }
        String sql = "select r.id, r.kind, r.name, r.status, r.created_by, r.created_at, r.last_seq, r.retention_seconds, "
                + "r.last_activity_at, m.read_seq, "
                + "lm.seq as lm_seq, lm.id as lm_id, lm.sender as lm_sender, lm.text as lm_text, lm.ts as lm_ts, "
                + "lm.client_msg_id as lm_cmid, lm.reply_to as lm_reply, lm.thread_root as lm_thread, lm.mentions as lm_mentions, "
                + "lm.edited_at as lm_edited, lm.deleted as lm_deleted "
                + "from members m join rooms r on r.id = m.room_id "
                + "left join lateral (select * from messages x where x.room_id = r.id order by x.seq desc limit 1) lm on true "
                + "where m.user_id = $1 and (r.last_activity_at, r.id) < ($2, $3) "
                + "order by r.last_activity_at desc, r.id desc limit $4";
        return pool.preparedQuery(sql).execute(Tuple.of(caller.userId(), afterTs, afterId, limit + 1)).flatMap(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            boolean more = list.size() > limit;
            List<Row> pageRows = more ? list.subList(0, limit) : list;
            UUID[] ids = pageRows.stream().map(r -> r.getUUID("id")).toArray(UUID[]::new);
            return membersOf(ids).map(members -> {
                List<RoomView> items = new ArrayList<>();
                for (Row r : pageRows) {
                    UUID id = r.getUUID("id");
                    MessageEvent last = r.getUUID("lm_id") == null ? null : new MessageEvent(id.toString(),
                            r.getUUID("lm_id").toString(), r.getLong("lm_seq"), r.getString("lm_sender"),
                            r.getBoolean("lm_deleted") ? null : r.getString("lm_text"), Rows.instant(r.getOffsetDateTime("lm_ts")),
                            r.getString("lm_cmid"), Rows.str(r.getUUID("lm_reply")), Rows.str(r.getUUID("lm_thread")),
                            List.of(r.getArrayOfStrings("lm_mentions")), Rows.instant(r.getOffsetDateTime("lm_edited")),
                            r.getBoolean("lm_deleted") ? Boolean.TRUE : null);
                    long lastSeq = r.getLong("last_seq");
                    items.add(new RoomView(id.toString(), r.getString("kind"), r.getString("name"), r.getString("status"),
                            r.getString("created_by"), members.getOrDefault(id, List.of()),
                            Rows.instant(r.getOffsetDateTime("created_at")), lastSeq, r.getLong("retention_seconds"),
                            Math.max(0, lastSeq - r.getLong("read_seq")), last));
                }
                String next = null;
                if (more) {
                    Row lastRow = pageRows.get(pageRows.size() - 1);
                    next = Base64.getUrlEncoder().withoutPadding().encodeToString((lastRow.getOffsetDateTime("last_activity_at")
                            + "|" + lastRow.getUUID("id")).getBytes(StandardCharsets.UTF_8));
                }
                return new Page(items, next);
            });
        });
    }

    Uni<Map<UUID, List<Member>>> membersOf(UUID[] ids) {
        if (ids.length == 0) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("select room_id, user_id, role from members where room_id = any($1) order by joined_at, user_id")
                .execute(Tuple.of(ids)).map(rows -> {
                    Map<UUID, List<Member>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getUUID("room_id"), k -> new ArrayList<>())
                            .add(new Member(r.getString("user_id"), r.getString("role"))));
                    return out;
                });
    }

    /** Every room of the caller with its member ids: what a gateway indexes when the user connects. */
    public Uni<Map<String, List<String>>> memberships(Caller caller) {
        return pool.preparedQuery("select o.room_id, o.user_id from members m join members o on o.room_id = m.room_id "
                + "where m.user_id = $1 order by o.room_id").execute(Tuple.of(caller.userId())).map(rows -> {
                    Map<String, List<String>> out = new LinkedHashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getUUID(0).toString(), k -> new ArrayList<>()).add(r.getString(1)));
                    return out;
                });
    }

    public record RoomSync(List<MessageEvent> messages, boolean complete) {
    }

    /** What the caller missed in each room after the given seq, at most {@code limit} per room, in order. */
    public Uni<Map<String, RoomSync>> sync(Caller caller, Map<String, Long> since, int limit) {
        List<UUID> ids = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        for (Map.Entry<String, Long> e : since.entrySet()) {
            UUID id;
            try {
                id = UUID.fromString(e.getKey());
            } catch (RuntimeException ex) {
                continue; // not a room id: nothing to report, as for rooms the caller cannot see
            }
            if (e.getValue() == null || e.getValue() < 0) {
                throw ChatException.badRequest("rooms", "each room needs a last seq >= 0");
            }
            ids.add(id);
            after.add(e.getValue());
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String sql = "select x.room_id as sync_room, m.* from unnest($1::uuid[], $2::int8[]) as x(room_id, after) "
                + "join rooms r on r.id = x.room_id "
                + "left join members mb on mb.room_id = r.id and mb.user_id = $3 "
                + "left join lateral (select " + Rows.MESSAGE_COLUMNS + " from messages y where y.room_id = x.room_id and y.seq > x.after "
                + "order by y.seq limit $4) m on true "
                + "where mb.user_id is not null or (r.kind = 'support' and $5) "
                + "order by x.room_id, m.seq";
        return pool.preparedQuery(sql).execute(Tuple.of(ids.toArray(UUID[]::new), after.toArray(Long[]::new), caller.userId(),
                limit + 1, caller.isStaff())).map(rows -> {
                    Map<String, List<MessageEvent>> found = new LinkedHashMap<>();
                    rows.forEach(r -> {
                        List<MessageEvent> list = found.computeIfAbsent(r.getUUID("sync_room").toString(), k -> new ArrayList<>());
                        if (r.getUUID("id") != null) {
                            list.add(Rows.message(r));
                        }
                    });
                    Map<String, RoomSync> out = new LinkedHashMap<>();
                    found.forEach((room, list) -> out.put(room, list.size() > limit
                            ? new RoomSync(List.copyOf(list.subList(0, limit)), false) : new RoomSync(list, true)));
                    return out;
                });
    }

    static String directKey(String a, String b) {
        return a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a;
    }
}

package io.chat.message.service;

import io.chat.contracts.ErrorCodes;
import io.chat.contracts.EventTypes;
import io.chat.message.mapping.Rows;
import io.chat.message.repository.RoomRepository;
import io.chat.message.repository.RoomRepository.Access;
import io.chat.message.service.RoomPolicy.Op;
import io.chat.message.service.RoomService.RoomView;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Membership, roles and room settings. Every change locks the room row first, so changes to one
 * room happen one at a time and the owner invariant (a room with members has an owner) holds.
 */
@ApplicationScoped
public class MembershipService {
    static final Set<String> ROLES = Set.of("owner", "admin", "member");
    static final long MAX_RETENTION_SECONDS = 10L * 366 * 24 * 3600;

    @Inject
    Pool pool;
    @Inject
    Changes changes;
    @Inject
    RoomRepository rooms;
    @Inject
    RoomService roomService;

    /** Adds users; a single id equal to the caller's own is joining (channels: anyone may join). */
    public Uni<RoomView> add(Caller caller, String roomId, List<String> userIds) {
        UUID room = RoomIds.parse(roomId);
        if (userIds == null || userIds.isEmpty()) {
            throw ChatException.badRequest("userId", "userId or members is required");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String id : userIds) {
            if (id == null || id.isBlank() || id.length() > 64 || "deleted".equals(id)) {
                throw ChatException.badRequest("members", "members must be user ids");
            }
            ids.add(id);
        }
        if (ids.size() > RoomService.MAX_INITIAL_MEMBERS) {
            throw ChatException.badRequest("members", "at most " + RoomService.MAX_INITIAL_MEMBERS + " members at once");
        }
        boolean selfJoin = ids.size() == 1 && ids.contains(caller.userId());
        return changes.run(conn -> rooms.access(conn, room, caller.userId(), true).flatMap(access -> {
            if (selfJoin && access != null && access.role() != null) {
                return roomService.view(conn, room); // already a member
            }
            RoomPolicy.require(selfJoin && "channel".equals(access == null ? null : access.kind()) ? Op.JOIN : Op.ADD_MEMBERS,
                    access, caller);
            return rooms.addMembers(conn, room, new ArrayList<>(ids), "member").flatMap(added -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (String user : added) {
                    chain = chain.flatMap(x -> changes.roomChanged(conn, access, EventTypes.MEMBER_JOINED, access.name(), user));
                    if (!user.equals(caller.userId())) {
                        chain = chain.flatMap(x -> rooms.audit(conn, room, caller.userId(), "member.add", user, null));
                    }
                }
                return chain.flatMap(x -> roomService.view(conn, room));
            });
        }));
    }

    /** Removes a member: yourself (leaving) or someone else (kicking, by the matrix). */
    public Uni<Void> remove(Caller caller, String roomId, String target) {
        UUID room = RoomIds.parse(roomId);
        return changes.run(conn -> rooms.access(conn, room, caller.userId(), true).flatMap(access -> {
            if (!RoomPolicy.canSee(access, caller)) {
                throw ChatException.roomNotFound();
            }
            boolean leaving = target.equals(caller.userId());
            if (leaving) {
                if ("direct".equals(access.kind())) {
                    throw ChatException.forbidden("a direct room cannot be left");
                }
                if (access.role() == null) {
                    return Uni.createFrom().voidItem(); // not a member: nothing to leave
                }
                return removeIn(conn, access, caller, target, "member.leave");
            }
            RoomPolicy.require(Op.KICK, access, caller);
            return conn.preparedQuery("select role from members where room_id = $1 and user_id = $2").execute(Tuple.of(room, target))
                    .flatMap(rows -> {
                        if (rows.size() == 0) {
                            throw new ChatException(ErrorCodes.NOT_FOUND, "not a member of this room");
                        }
                        String role = rows.iterator().next().getString(0);
                        boolean staffPower = "support".equals(access.kind()) && caller.isStaff();
                        if (!staffPower && !"owner".equals(access.role()) && !"member".equals(role)) {
                            throw ChatException.forbidden("admins may remove members only");
                        }
                        return removeIn(conn, access, caller, target, "member.kick");
                    });
        }));
    }

    private Uni<Void> removeIn(SqlConnection conn, Access access, Caller caller, String target, String action) {
        UUID room = access.room();
        return rooms.removeMember(conn, room, target)
                .flatMap(x -> conn.preparedQuery("delete from drafts where room_id = $1 and user_id = $2").execute(Tuple.of(room, target)))
                .flatMap(x -> rooms.ensureOwner(conn, room, access.kind()))
                .flatMap(promoted -> (promoted == null ? Uni.createFrom().voidItem()
                        : rooms.audit(conn, room, caller.userId(), "owner.promote", promoted, "the last owner left")))
                .flatMap(x -> changes.roomChanged(conn, access, EventTypes.MEMBER_LEFT, access.name(), target))
                .flatMap(x -> rooms.audit(conn, room, caller.userId(), action, target, null));
    }

    /** Owner only. Making someone else owner transfers ownership: the caller becomes admin. */
    public Uni<RoomView> setRole(Caller caller, String roomId, String target, String role) {
        UUID room = RoomIds.parse(roomId);
        if (role == null || !ROLES.contains(role)) {
            throw ChatException.badRequest("role", "role must be owner, admin or member");
        }
        return changes.run(conn -> rooms.access(conn, room, caller.userId(), true).flatMap(access -> {
            RoomPolicy.require(Op.CHANGE_ROLE, access, caller);
            return rooms.setRole(conn, room, target, role).flatMap(found -> {
                if (!found) {
                    throw new ChatException(ErrorCodes.NOT_FOUND, "not a member of this room");
                }
                boolean transfer = "owner".equals(role) && !target.equals(caller.userId());
                Uni<?> step = transfer ? rooms.setRole(conn, room, caller.userId(), "admin") : Uni.createFrom().voidItem();
                return step.flatMap(x -> rooms.ensureOwner(conn, room, access.kind()))
                        .flatMap(x -> rooms.audit(conn, room, caller.userId(), "member.role", target, role))
                        .flatMap(x -> changes.roomChanged(conn, access, EventTypes.ROOM_UPDATED, access.name(), target))
                        .flatMap(x -> roomService.view(conn, room));
            });
        }));
    }

    /**
     * Rename ({@code name}), retention ({@code retention}: "permanent" or seconds) and archive/restore
     * ({@code status}: "archived" or "open"); each field is checked against the matrix on its own.
     */
    public Uni<RoomView> patch(Caller caller, String roomId, String name, Object retention, String status) {
        UUID room = RoomIds.parse(roomId);
        String cleanName = name == null ? null : name.strip();
        if (cleanName != null && (cleanName.isEmpty() || cleanName.length() > 100)) {
            throw ChatException.badRequest("name", "name must be 1-100 characters");
        }
        Long retentionSeconds = null;
        boolean retentionSet = retention != null;
        if (retention instanceof Number n && n.longValue() >= 1 && n.longValue() <= MAX_RETENTION_SECONDS
                && n.doubleValue() == n.longValue()) {
            retentionSeconds = n.longValue();
        } else if (retentionSet && !"permanent".equals(retention)) {
            throw ChatException.badRequest("retention", "retention must be \"permanent\" or 1-" + MAX_RETENTION_SECONDS + " seconds");
        }
        if (status != null && !Set.of("open", "archived").contains(status)) {
            throw ChatException.badRequest("status", "status must be open or archived (support rooms are closed with /close)");
        }
        if (cleanName == null && !retentionSet && status == null) {
            throw ChatException.badRequest(null, "nothing to change: give name, retention or status");
        }
        Long finalRetention = retentionSeconds;
        return changes.run(conn -> rooms.access(conn, room, caller.userId(), true).flatMap(access -> {
            if (!RoomPolicy.canSee(access, caller)) {
                throw ChatException.roomNotFound();
            }
            if (retentionSet || status != null) {
                RoomPolicy.require(Op.SETTINGS, access, caller);
            }
            if (status != null && ("support".equals(access.kind()) || "closed".equals(access.status()))) {
                throw ChatException.forbidden("support rooms are closed, not archived");
            }
            String newStatus = status == null ? access.status() : status;
            if (cleanName != null) {
                // an archived room is renamed after restoring it (the same request may restore it)
                RoomPolicy.require(Op.RENAME, new Access(room, access.kind(), access.name(), newStatus, access.createdBy(),
                        access.lastSeq(), access.role(), access.readSeq(), access.retentionSeconds()), caller);
            }
            String newName = cleanName == null ? access.name() : cleanName;
            Long newRetention = retentionSet ? finalRetention : access.retentionSeconds();
            return conn.preparedQuery("update rooms set name = $2, status = $3, retention_seconds = $4 where id = $1")
                    .execute(Tuple.from(Arrays.asList(room, newName, newStatus, newRetention)))
                    .flatMap(x -> cleanName == null ? Uni.createFrom().voidItem()
                            : rooms.audit(conn, room, caller.userId(), "room.rename", null, null))
                    .flatMap(x -> !retentionSet ? Uni.createFrom().voidItem()
                            : rooms.audit(conn, room, caller.userId(), "room.retention", null,
                                    newRetention == null ? "permanent" : newRetention + "s"))
                    .flatMap(x -> status == null || status.equals(access.status()) ? Uni.createFrom().voidItem()
                            : rooms.audit(conn, room, caller.userId(), "archived".equals(status) ? "room.archive" : "room.restore",
                                    null, null))
                    .flatMap(x -> changes.roomChanged(conn, access, EventTypes.ROOM_UPDATED, newName, null))
                    .flatMap(x -> roomService.view(conn, room));
        }));
    }

    /** Staff close a support room; it stays readable and becomes read-only. Closing twice changes nothing. */
    public Uni<RoomView> close(Caller caller, String roomId) {
        UUID room = RoomIds.parse(roomId);
        return changes.run(conn -> rooms.access(conn, room, caller.userId(), true).flatMap(access -> {
            RoomPolicy.require(Op.CLOSE, access, caller);
            if ("closed".equals(access.status())) {
                return roomService.view(conn, room);
            }
            return conn.preparedQuery("update rooms set status = 'closed' where id = $1").execute(Tuple.of(room))
                    .flatMap(x -> rooms.audit(conn, room, caller.userId(), "room.close", null, null))
                    .flatMap(x -> changes.roomChanged(conn, access, EventTypes.ROOM_UPDATED, access.name(), null))
                    .flatMap(x -> roomService.view(conn, room));
        }));
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Page<T>(List<T> items, String next) {
    }

    /** The support queue for staff: oldest first, keyset-paged by (created_at, id). */
    public Uni<Page<RoomView>> supportQueue(Caller caller, String status, String cursor, int limit) {
        if (!caller.isStaff()) {
            throw ChatException.forbidden("the support queue is for staff");
        }
        String wanted = status == null ? "open" : status;
        if (!Set.of("open", "closed").contains(wanted)) {
            throw ChatException.badRequest("status", "status must be open or closed");
        }
        String[] c = Cursors.decode(cursor, 2);
        OffsetDateTime afterTs = c == null ? OffsetDateTime.parse("1970-01-01T00:00:00Z") : parseTs(c[0]);
        UUID afterId = c == null ? new UUID(Long.MIN_VALUE, Long.MIN_VALUE) : RoomIds.cursorId(c[1]);
        // the status is written into the statement (one of two checked values), not bound: the connections keep generic
        // plans, and a generic plan cannot use rooms_support_queue (where status = 'open') for "status = $1"
        return pool.preparedQuery("select id, kind, name, status, created_by, created_at, last_seq, retention_seconds from rooms "
                + "where kind = 'support' and status = '" + wanted + "' and (created_at, id) > ($1, $2) order by created_at, id "
                + "limit $3")
                .execute(Tuple.of(afterTs, afterId, limit + 1)).flatMap(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    boolean more = list.size() > limit;
                    List<Row> page = more ? list.subList(0, limit) : list;
                    return roomService.membersOf(page.stream().map(r -> r.getUUID("id")).toArray(UUID[]::new)).map(members -> {
                        List<RoomView> items = new ArrayList<>();
                        for (Row r : page) {
                            items.add(new RoomView(r.getUUID("id").toString(), r.getString("kind"), r.getString("name"),
                                    r.getString("status"), r.getString("created_by"), members.getOrDefault(r.getUUID("id"), List.of()),
                                    Rows.instant(r.getOffsetDateTime("created_at")), r.getLong("last_seq"),
                                    r.getLong("retention_seconds"), null, null));
                        }
                        String next = null;
                        if (more) {
                            Row last = page.get(page.size() - 1);
                            next = Cursors.encode(last.getOffsetDateTime("created_at"), last.getUUID("id"));
                        }
                        return new Page<>(items, next);
                    });
                });
    }

    public record Channel(String id, String name, Instant createdAt, long memberCount, boolean joined) {
    }

    /** Open channels anyone may join, newest first. */
    public Uni<Page<Channel>> channels(Caller caller, String cursor, int limit) {
        String[] c = Cursors.decode(cursor, 2);
        OffsetDateTime beforeTs = c == null ? OffsetDateTime.parse("9999-01-01T00:00:00Z") : parseTs(c[0]);
        UUID beforeId = c == null ? new UUID(Long.MAX_VALUE, Long.MAX_VALUE) : RoomIds.cursorId(c[1]);
        return pool.preparedQuery("select r.id, r.name, r.created_at, "
                + "(select count(*) from members m where m.room_id = r.id) as member_count, "
                + "exists (select 1 from members m where m.room_id = r.id and m.user_id = $4) as joined "
                + "from rooms r where r.kind = 'channel' and r.status = 'open' and (r.created_at, r.id) < ($1, $2) "
                + "order by r.created_at desc, r.id desc limit $3")
                .execute(Tuple.of(beforeTs, beforeId, limit + 1, caller.userId())).map(rows -> {
                    List<Channel> items = new ArrayList<>();
                    List<OffsetDateTime> ts = new ArrayList<>();
                    rows.forEach(r -> {
                        items.add(new Channel(r.getUUID("id").toString(), r.getString("name"),
                                Rows.instant(r.getOffsetDateTime("created_at")), r.getLong("member_count"), r.getBoolean("joined")));
                        ts.add(r.getOffsetDateTime("created_at"));
                    });
                    if (items.size() > limit) {
                        items.remove(limit);
                        return new Page<>(items, Cursors.encode(ts.get(limit - 1), items.get(limit - 1).id()));
                    }
                    return new Page<>(items, null);
                });
    }

    public record AuditEntry(long id, String actor, String action, String target, String detail, Instant at) {
    }

    /** The room's moderation log, newest first (owners and admins; staff for support rooms). */
    public Uni<Page<AuditEntry>> audit(Caller caller, String roomId, String cursor, int limit) {
        UUID room = RoomIds.parse(roomId);
        long before = Cursors.decodeLong(cursor, Long.MAX_VALUE);
        return rooms.access(pool, room, caller.userId(), false).flatMap(access -> {
            RoomPolicy.require(Op.AUDIT, access, caller);
            return pool.preparedQuery("select id, actor, action, target, detail, at from audit_log where room_id = $1 and id < $2 "
                    + "order by id desc limit $3").execute(Tuple.of(room, before, limit + 1)).map(rows -> {
                        List<AuditEntry> items = new ArrayList<>();
                        rows.forEach(r -> items.add(new AuditEntry(r.getLong("id"), r.getString("actor"), r.getString("action"),
                                r.getString("target"), r.getString("detail"), Rows.instant(r.getOffsetDateTime("at")))));
                        if (items.size() > limit) {
                            items.remove(limit);
                            return new Page<>(items, Cursors.encode(items.get(limit - 1).id()));
                        }
                        return new Page<>(items, null);
                    });
        });
    }

    static OffsetDateTime parseTs(String s) {
        try {
            return OffsetDateTime.parse(s);
        } catch (RuntimeException e) {
            throw ChatException.badRequest("cursor", "invalid cursor");
        }
    }
}

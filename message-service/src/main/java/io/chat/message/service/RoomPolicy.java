package io.chat.message.service;

import io.chat.message.repository.RoomRepository.Access;

/**
 * Who may do what in a room: the permission matrix of docs/message-service.md, in one place.
 * A room the caller may not see is reported as not found, never as forbidden, so ids cannot be
 * probed; a room the caller sees but may not change answers forbidden.
 *
 * <p>Staff (JWT group {@code staff} or {@code admin}) have powers in support rooms only; elsewhere
 * they are whatever their membership makes them.
 */
public final class RoomPolicy {
    private RoomPolicy() {
    }

    /** The operations of the matrix. */
    public enum Op {
        /** room details */
        VIEW,
        /** history, thread, pins list, edit history, drafts, receipts, audit excluded */
        READ,
        /** send, edit own, react, delete own */
        WRITE,
        /** delete another member's message */
        DELETE_ANY,
        /** add other users */
        ADD_MEMBERS,
        /** add yourself */
        JOIN,
        /** remove another member (admins: plain members only, checked by the caller) */
        KICK,
        CHANGE_ROLE,
        RENAME,
        /** retention, archive and restore */
        SETTINGS,
        PIN,
        CLOSE,
        AUDIT
    }

    static boolean canSee(Access access, Caller caller) {
        return access != null && (access.role() != null || "channel".equals(access.kind())
                || ("support".equals(access.kind()) && caller.isStaff()));
    }

    static boolean allowed(Op op, Access a, Caller c) {
        String kind = a.kind();
        boolean member = a.role() != null;
        boolean owner = "owner".equals(a.role());
        boolean manager = owner || "admin".equals(a.role());
        boolean support = "support".equals(kind);
        boolean staff = support && c.isStaff();
        boolean direct = "direct".equals(kind);
        return switch (op) {
            case VIEW -> member || staff || "channel".equals(kind);
            case READ, WRITE -> member || staff;
            case DELETE_ANY, PIN -> support ? staff : direct ? (op == Op.PIN && member) : manager;
            case ADD_MEMBERS, KICK -> support ? staff : !direct && manager;
            case JOIN -> "channel".equals(kind);
            case CHANGE_ROLE -> !support && !direct && owner;
            case RENAME -> !support && !direct && manager;
            case SETTINGS -> support ? staff : direct ? member : owner;
            case CLOSE -> staff;
            case AUDIT -> support ? staff : !direct && manager;
        };
    }

    /** Operations that change the room or its messages need it open; SETTINGS may restore an archived room. */
    private static boolean needsOpen(Op op) {
        return switch (op) {
            case VIEW, READ, AUDIT, CLOSE, SETTINGS -> false;
            default -> true;
        };
    }

    public static void require(Op op, Access access, Caller caller) {
        if (!canSee(access, caller)) {
            throw ChatException.roomNotFound();
        }
        if (!allowed(op, access, caller)) {
            throw ChatException.forbidden(op == Op.READ || op == Op.WRITE ? "join the channel first"
                    : "you may not " + op.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " in this room");
        }
        if (needsOpen(op) && !"open".equals(access.status())) {
            throw ChatException.forbidden("the room is " + access.status() + " and read-only");
        }
    }

    static void requireRead(Access access, Caller caller) {
        require(Op.READ, access, caller);
    }

    /** @return true when the caller is staff answering a support room they have not joined yet */
    static boolean requireWrite(Access access, Caller caller) {
        require(Op.WRITE, access, caller);
        return access.role() == null;
    }
}

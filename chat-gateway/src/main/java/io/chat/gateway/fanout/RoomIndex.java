package io.chat.gateway.fanout;

import io.chat.gateway.ws.ClientSession;
import io.chat.gateway.ws.SessionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The rooms this replica must deliver to: each room that has at least one member connected here,
 * with its whole member list (from the memberships fetched at connect, then kept current by
 * membership events). Rooms with no local member are dropped, so the index follows the sockets.
 * Member sets are immutable and replaced whole: readers on the Kafka threads never see a partial update.
 */
@ApplicationScoped
public class RoomIndex {
    private final Map<String, Set<String>> roomMembers = new ConcurrentHashMap<>();
    /** member user id → rooms of this index they belong to (for presence: who shares a room with them). */
    private final Map<String, Set<String>> memberRooms = new ConcurrentHashMap<>();

    @Inject
    SessionRegistry sessions;

    /** Called when a user connects, with every room they belong to and its members. */
    public void addMemberships(Map<String, List<String>> memberships) {
        memberships.forEach(this::put);
    }

    /** A room's membership changed: keep it if any member is connected here, else forget it. */
    public void roomChanged(String room, Collection<String> members) {
        boolean relevant = members.stream().anyMatch(sessions::isConnected);
        if (relevant) {
            put(room, members);
        } else {
            remove(room);
        }
    }

    public boolean isMember(String room, String userId) {
        Set<String> members = roomMembers.get(room);
        return members != null && members.contains(userId);
    }

    public Set<String> members(String room) {
        return roomMembers.getOrDefault(room, Set.of());
    }

    /** Every local session of every member of the room. */
    public void forEachSession(String room, Consumer<ClientSession> action) {
        for (String member : members(room)) {
            sessions.forEachSessionOf(member, action);
        }
    }

    /**
     * Every local session of users who share at least one room of at most {@code maxRoomSize} members with
     * {@code userId} (not the user themself).
     */
    public void forEachSessionSharingARoomWith(String userId, int maxRoomSize, Consumer<ClientSession> action) {
        Set<String> rooms = memberRooms.getOrDefault(userId, Set.of());
        Set<String> told = new HashSet<>();
        for (String room : rooms) {
            Set<String> members = members(room);
            if (members.size() > maxRoomSize) {
                continue; // see GatewayConfig.presenceMaxRoomSize
            }
            for (String member : members) {
                if (!member.equals(userId) && told.add(member)) {
                    sessions.forEachSessionOf(member, action);
                }
            }
        }
    }

    /** After a user's last local socket closed: drop the rooms that no longer have a local member. */
    public void userDisconnected(String userId) {
        for (String room : Set.copyOf(memberRooms.getOrDefault(userId, Set.of()))) {
            if (members(room).stream().noneMatch(sessions::isConnected)) {
                remove(room);
            }
        }
    }

    public int size() {
        return roomMembers.size();
    }

    private synchronized void put(String room, Collection<String> members) {
        Set<String> next = Set.copyOf(members);
        Set<String> previous = roomMembers.put(room, next);
        if (previous != null) {
            for (String gone : previous) {
                if (!next.contains(gone)) {
                    unlink(gone, room);
                }
            }
        }
        for (String member : next) {
            memberRooms.computeIfAbsent(member, k -> ConcurrentHashMap.newKeySet()).add(room);
        }
    }

    private synchronized void remove(String room) {
        Set<String> previous = roomMembers.remove(room);
        if (previous != null) {
            previous.forEach(member -> unlink(member, room));
        }
    }

    private void unlink(String member, String room) {
        memberRooms.computeIfPresent(member, (k, rooms) -> {
            rooms.remove(room);
            return rooms.isEmpty() ? null : rooms;
        });
    }
}

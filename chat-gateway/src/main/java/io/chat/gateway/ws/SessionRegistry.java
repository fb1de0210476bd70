package io.chat.gateway.ws;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The sockets this replica holds, by connection id and by user. Entries live exactly as long as their socket. */
@ApplicationScoped
public class SessionRegistry {
    private final Map<String, ClientSession> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    /** @return false when the user already has {@code max} sockets here (the new one is not added) */
    boolean add(ClientSession session, int max) {
        boolean[] added = {false};
        byUser.compute(session.userId, (user, set) -> {
            if (set == null) {
                set = ConcurrentHashMap.newKeySet(2);
            }
            if (set.size() < max) {
                set.add(session);
                added[0] = true;
            }
            return set.isEmpty() ? null : set;
        });
        if (added[0]) {
            byId.put(session.id(), session);
            count.incrementAndGet();
        }
        return added[0];
    }

    /** @return true when that was the user's last socket here */
    boolean remove(ClientSession session) {
        if (byId.remove(session.id()) == null) {
            return false;
        }
        count.decrementAndGet();
        boolean[] last = {false};
        byUser.computeIfPresent(session.userId, (user, set) -> {
            set.remove(session);
            last[0] = set.isEmpty();
            return set.isEmpty() ? null : set;
        });
        return last[0];
    }

    public ClientSession get(String connectionId) {
        return byId.get(connectionId);
    }

    public boolean isConnected(String userId) {
        return byUser.containsKey(userId);
    }

    public void forEachSessionOf(String userId, Consumer<ClientSession> action) {
        Set<ClientSession> set = byUser.get(userId);
        if (set != null) {
            set.forEach(action);
        }
    }

    public List<ClientSession> sessionsOf(String userId) {
        Set<ClientSession> set = byUser.get(userId);
        return set == null ? List.of() : List.copyOf(set);
    }

    public Collection<ClientSession> all() {
        return byId.values();
    }

    public int count() {
        return count.get();
    }

    public int users() {
        return byUser.size();
    }
}

package io.chat.gateway.ws;

import io.chat.gateway.fanout.RoomIndex;
import io.quarkus.websockets.next.WebSocketConnection;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who is told about a user's presence change: members of the rooms they share, big rooms excepted. */
class PresenceFanoutTest {

    static ClientSession session(SessionRegistry registry, String user) {
        String id = "conn-" + user;
        WebSocketConnection connection = (WebSocketConnection) Proxy.newProxyInstance(PresenceFanoutTest.class.getClassLoader(),
                new Class<?>[]{WebSocketConnection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "id" -> id;
                    case "hashCode" -> id.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ClientSession s = new ClientSession(connection, user, "auth", Set.of("user"), "token", 0, Long.MAX_VALUE);
        assertTrue(registry.add(s, 10));
        return s;
    }

    static Set<String> told(RoomIndex index, String user, int maxRoomSize) {
        Set<String> users = new HashSet<>();
        index.forEachSessionSharingARoomWith(user, maxRoomSize, s -> assertTrue(users.add(s.userId), "told twice: " + s.userId));
        return users;
    }

    @Test
    void presenceGoesThroughSmallRoomsOnlyAndToEachUserOnce() throws Exception {
        SessionRegistry registry = new SessionRegistry();
        RoomIndex index = new RoomIndex();
        var field = RoomIndex.class.getDeclaredField("sessions");
        field.setAccessible(true);
        field.set(index, registry);

        session(registry, "alice");   // shares the small group with carol
        session(registry, "bob");     // shares only the big channel with carol
        session(registry, "dave");    // in both
        List<String> channel = new ArrayList<>(List.of("bob", "carol", "dave"));
        for (int i = 0; i < 150; i++) {
            channel.add("member-" + i); // not connected here
        }
        index.addMemberships(Map.of("group", List.of("alice", "carol", "dave"), "channel", channel));

        assertEquals(Set.of("alice", "dave"), told(index, "carol", 100), "the 153-member channel is skipped");
        assertEquals(Set.of("alice", "bob", "dave"), told(index, "carol", 200), "below the limit every sharer is told");
        assertEquals(Set.of(), told(index, "member-1", 100), "only the big room shared: nobody is pushed to");
        assertEquals(Set.of("bob", "dave"), told(index, "member-1", 1000));
    }
}

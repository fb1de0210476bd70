package io.chat.presence;

import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.PresenceSignal;
import io.chat.contracts.Topics;
import io.chat.testsupport.KafkaTestClient;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateways and message-service would send, for the tests: signals on presence.signals,
 * events on chat.events / user.events, and live gateways heartbeating every 500 ms (the test lease is 2 s).
 */
final class Signals {
    private static KafkaTestClient producer;
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    private Signals() {
    }

    static synchronized KafkaTestClient producer() {
        if (producer == null) {
            producer = new KafkaTestClient();
            Thread.ofPlatform().daemon().name("test-gateway-heartbeats").start(() -> {
                while (true) {
                    try {
                        LIVE.forEach(Signals::heartbeat);
                        Thread.sleep(500);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }
        return producer;
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A new gateway id, heartbeating from now on until {@link #kill}. */
    static String liveGateway() {
        String gw = id("gw");
        heartbeat(gw);
        LIVE.add(gw);
        return gw;
    }

    /** The gateway stops heartbeating, as if it crashed. */
    static void kill(String gw) {
        LIVE.remove(gw);
    }

    static void signal(String type, String key, Object payload) {
        producer().send(Topics.PRESENCE_SIGNALS, key, type, payload);
    }

    static void connected(String user, String gw, String session) {
        signal(EventTypes.SIGNAL_CONNECTED, user, new PresenceSignal(user, gw, session, null, null, null, null, null));
    }

    static void disconnected(String user, String gw, String session) {
        signal(EventTypes.SIGNAL_DISCONNECTED, user, new PresenceSignal(user, gw, session, null, null, null, null, null));
    }

    static void active(String user, String gw, String session) {
        signal(EventTypes.SIGNAL_ACTIVE, user, new PresenceSignal(user, gw, session, null, null, null, null, null));
    }

    static void heartbeat(String gw) {
        signal(EventTypes.SIGNAL_HEARTBEAT, gw, new PresenceSignal(null, gw, null, null, null, null, null, null));
    }

    static void typing(String user, String room, String state) {
        signal(EventTypes.SIGNAL_TYPING, user, new PresenceSignal(user, null, null, null, null, null, room, state));
    }

    static void chatEvent(String room, String type, Object payload) {
        producer().send(Topics.CHAT_EVENTS, room, type, payload);
    }

    static void userEvent(String user, String type, Object payload) {
        producer().send(Topics.USER_EVENTS, user, type, payload);
    }

    static Envelope awaitPresence(KafkaTestClient events, String user, String status, Duration timeout) {
        return events.await(timeout, e -> EventTypes.PRESENCE_CHANGED.equals(e.type())
                && user.equals(e.payload().path("user").asText()) && status.equals(e.payload().path("status").asText()));
    }

    static Envelope awaitTyping(KafkaTestClient events, String user, String room, String state, Duration timeout) {
        return events.await(timeout, e -> EventTypes.TYPING_CHANGED.equals(e.type())
                && user.equals(e.payload().path("user").asText()) && room.equals(e.payload().path("room").asText())
                && state.equals(e.payload().path("state").asText()));
    }

    /** Every event about {@code user} published within {@code window}. */
    static List<Envelope> eventsAbout(KafkaTestClient events, String user, Duration window) {
        return events.drain(window).stream().filter(e -> user.equals(e.payload().path("user").asText())).toList();
    }
}

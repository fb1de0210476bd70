package io.chat.message.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.Topics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** Writes events into the outbox inside the caller's transaction; {@link OutboxRelay} publishes them. */
@ApplicationScoped
public class EventOutbox {
    @Inject
    ObjectMapper json;

    /** One event of {@link #addAll}: its partition key (the room) and what it says. */
    public record Event(String key, String type, Object payload) {
    }

    public Uni<Void> add(SqlConnection conn, String roomKey, String type, Object payload) {
        String text;
        try {
            text = envelope(type, payload);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return conn.preparedQuery("insert into outbox (topic, key, payload) values ($1, $2, $3)")
                .execute(Tuple.of(Topics.CHAT_EVENTS, roomKey, text)).replaceWithVoid();
    }

    /** Several events in one statement (one round trip), published in the given order. */
    public Uni<Void> addAll(SqlConnection conn, List<Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (events.size() == 1) {
            Event event = events.get(0);
            return add(conn, event.key(), event.type(), event.payload());
        }
        String[] keys = new String[events.size()];
        String[] payloads = new String[events.size()];
        try {
            for (int i = 0; i < payloads.length; i++) {
                keys[i] = events.get(i).key();
                payloads[i] = envelope(events.get(i).type(), events.get(i).payload());
            }
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        // ids come from the sequence in the order the rows are inserted, i.e. the arrays' order
        return conn.preparedQuery("insert into outbox (topic, key, payload) "
                        + "select $1, k, p from unnest($2::text[], $3::text[]) with ordinality as e(k, p, i) order by i")
                .execute(Tuple.of(Topics.CHAT_EVENTS, keys, payloads)).replaceWithVoid();
    }

    private String envelope(String type, Object payload) throws JsonProcessingException {
        return json.writeValueAsString(Envelope.Outgoing.of(type, payload));
    }
}

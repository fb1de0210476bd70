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

import java.time.Instant;
import java.util.UUID;

/** Writes events into the outbox inside the caller's transaction; {@link OutboxRelay} publishes them. */
@ApplicationScoped
public class EventOutbox {
    @Inject
    ObjectMapper json;

    public Uni<Void> add(SqlConnection conn, String roomKey, String type, Object payload) {
        Envelope envelope = new Envelope(UUID.randomUUID().toString(), type, Instant.now(), Envelope.VERSION,
                json.valueToTree(payload));
        String text;
        try {
            text = json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return conn.preparedQuery("insert into outbox (topic, key, payload) values ($1, $2, $3)")
                .execute(Tuple.of(Topics.CHAT_EVENTS, roomKey, text)).replaceWithVoid();
    }
}

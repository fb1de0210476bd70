package io.chat.gateway.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.chat.contracts.Envelope;
import io.chat.gateway.ws.Frames;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** What the gateway publishes: client commands on chat.commands, socket signals on presence.signals. */
@ApplicationScoped
public class Outbound {
    @Inject
    @Channel("chat-commands")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    MutinyEmitter<String> commands;

    @Inject
    @Channel("presence-signals")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    MutinyEmitter<String> signals;

    /** Completes when Kafka has the command (acks=all); fails when it cannot be handed over. */
    public Uni<Void> command(String room, String type, Object payload) {
        return send(commands, room, type, payload);
    }

    public Uni<Void> signal(String key, String type, Object payload) {
        return send(signals, key, type, payload);
    }

    private static Uni<Void> send(MutinyEmitter<String> emitter, String key, String type, Object payload) {
        String value;
        try {
            value = Frames.JSON.writeValueAsString(Envelope.Outgoing.of(type, payload));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return emitter.sendMessage(Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build()));
    }
}

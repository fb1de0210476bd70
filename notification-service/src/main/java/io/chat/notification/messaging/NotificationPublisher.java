package io.chat.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.NotificationCreated;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes notification.created on notification.events (key: user id) for the gateways to deliver live. */
@ApplicationScoped
public class NotificationPublisher {

    @Inject
    @Channel("notification-events")
    MutinyEmitter<String> emitter;

    @Inject
    ObjectMapper json;

    public Uni<Void> created(NotificationCreated n) {
        try {
            Envelope.Outgoing e = Envelope.Outgoing.of(EventTypes.NOTIFICATION_CREATED, n);
            Message<String> m = Message.of(json.writeValueAsString(e))
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(n.userId()).build());
            return emitter.sendMessage(m);
        } catch (Exception ex) {
            return Uni.createFrom().failure(ex);
        }
    }
}

package io.chat.notification.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.notification.repository.PeopleRepository;
import io.chat.notification.repository.PushSubscriptionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;

/** Sends a notification to every push subscription of a user, through the provider each was registered with. */
@ApplicationScoped
public class PushService {
    private static final Logger LOG = Logger.getLogger(PushService.class);

    @Inject
    PushSubscriptionRepository subscriptions;
    @Inject
    PeopleRepository people;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry metrics;

    private final Map<String, PushProvider> providers = new HashMap<>();

    @Inject
    void providers(Instance<PushProvider> all) {
        all.forEach(p -> providers.put(p.name(), p));
    }

    public Uni<Void> send(String userId, PushMessage message) {
        return subscriptions.forUser(userId).chain(subs -> {
            if (subs.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Uni<String> senderName = message.senderId() == null ? Uni.createFrom().nullItem()
                    : people.findUser(message.senderId()).map(u -> u == null ? null
                            : u.displayName() != null ? u.displayName() : u.username());
            return senderName.chain(name -> {
                String payload = payload(message, name);
                return Multi.createFrom().iterable(subs)
                        // encryption is CPU work: keep it off the event loop
                        .emitOn(Infrastructure.getDefaultWorkerPool())
                        .onItem().transformToUniAndMerge(sub -> {
                            PushProvider p = providers.get(sub.provider());
                            if (p == null || !p.enabled()) {
                                return Uni.createFrom().voidItem();
                            }
                            return p.send(sub, payload).chain(result -> {
                                metrics.counter("chat_push_sent_total", "provider", p.name(),
                                        "result", result.name().toLowerCase()).increment();
                                return result == PushProvider.PushResult.GONE
                                        ? subscriptions.deleteEndpoint(sub.endpoint())
                                        : Uni.createFrom().voidItem();
                            });
                        })
                        .collect().asList().replaceWithVoid();
            });
        }).onFailure().invoke(e -> LOG.warnf("push failed: %s", e.toString())).onFailure().recoverWithNull();
    }

    /** Only what the device needs to show the notification; no message text unless previews are on. */
    String payload(PushMessage m, String senderName) {
        ObjectNode o = json.createObjectNode();
        o.put("type", "notification");
        o.put("id", m.id());
        o.put("kind", m.kind());
        o.put("room", m.room());
        if (m.roomName() != null) {
            o.put("roomName", m.roomName());
        }
        if (senderName != null) {
            o.put("sender", senderName);
        }
        if (m.preview() != null) {
            o.put("preview", m.preview());
        }
        return o.toString();
    }
}

package io.chat.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.PresenceChanged;
import io.chat.contracts.Topics;
import io.chat.notification.repository.PeopleRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.Set;

/** presence.events: a local copy of each user's aggregated status. */
@ApplicationScoped
public class PresenceEventsConsumer {
    private static final Set<String> STATUSES = Set.of("online", "away", "dnd", "offline");

    @Inject
    ObjectMapper json;
    @Inject
    PeopleRepository people;

    @Incoming("presence-events")
    public Uni<Void> consume(String value) {
        return EventHandling.handle(json, Topics.PRESENCE_EVENTS, value, this::dispatch);
    }

    Uni<Void> dispatch(Envelope e) {
        if (!EventTypes.PRESENCE_CHANGED.equals(e.type())) {
            return Uni.createFrom().voidItem(); // typing and other presence events are not ours
        }
        PresenceChanged p = EventHandling.payload(json, e, PresenceChanged.class);
        if (p.user() == null || p.status() == null || !STATUSES.contains(p.status())) {
            return Uni.createFrom().voidItem();
        }
        return people.setPresence(p.user(), p.status());
    }
}

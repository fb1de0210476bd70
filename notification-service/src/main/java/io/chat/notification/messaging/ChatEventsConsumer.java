package io.chat.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Member;
import io.chat.contracts.MessageEvent;
import io.chat.contracts.ReceiptUpdated;
import io.chat.contracts.RoomChanged;
import io.chat.contracts.Topics;
import io.chat.notification.repository.NotificationRepository;
import io.chat.notification.repository.PeopleRepository;
import io.chat.notification.repository.RoomRepository;
import io.chat.notification.service.NotificationService;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/** chat.events: room kinds and membership, read pointers, and the messages to notify about. */
@ApplicationScoped
public class ChatEventsConsumer {
    private static final Logger LOG = Logger.getLogger(ChatEventsConsumer.class);

    @Inject
    ObjectMapper json;
    @Inject
    RoomRepository rooms;
    @Inject
    PeopleRepository people;
    @Inject
    NotificationRepository notifications;
    @Inject
    NotificationService service;
    @Inject
    MeterRegistry metrics;

    /**
     * The types {@link #dispatch} acts on. Every other type (command results, edits, reactions…) is skipped where it
     * stands without ending a run: every send is followed by its {@code command.result}, so ending runs there would
     * make every run a single message.
     */
    static final Set<String> HANDLED = Set.of(EventTypes.MESSAGE_CREATED, EventTypes.MESSAGE_DELETED,
            EventTypes.ROOM_CREATED, EventTypes.ROOM_UPDATED, EventTypes.MEMBER_JOINED, EventTypes.MEMBER_LEFT,
            EventTypes.RECEIPT_UPDATED);

    /**
     * A poll's records (batch mode), in order. Consecutive {@code message.created} events are decided together: one
     * query for all their rooms and recipients instead of two per message, which was the largest single cost in
     * PostgreSQL under load. Every other event is handled on its own, in its place, so a membership change still
     * applies before the messages after it.
     */
    @Incoming("chat-events")
    public Uni<Void> consume(List<String> values) {
        List<Supplier<Uni<Void>>> steps = new ArrayList<>();
        List<NotificationService.Created> run = new ArrayList<>();
        Set<String> runRooms = new HashSet<>();
        for (String value : values) {
            Envelope e = EventHandling.parse(json, Topics.CHAT_EVENTS, value);
            if (e == null || !HANDLED.contains(e.type())) {
                continue;
            }
            MessageEvent created = EventTypes.MESSAGE_CREATED.equals(e.type()) ? createdOrNull(e) : null;
            if (created != null) {
                if (!runRooms.contains(created.room()) && runRooms.size() == MAX_RUN_ROOMS) {
                    endRun(steps, run, runRooms);
                }
                run.add(new NotificationService.Created(e.eventId(), created));
                runRooms.add(created.room());
                continue;
            }
            endRun(steps, run, runRooms);
            steps.add(() -> EventHandling.retried(Topics.CHAT_EVENTS, e.eventId() + " (" + e.type() + ")", () -> dispatch(e)));
        }
        endRun(steps, run, runRooms);
        return Multi.createFrom().iterable(steps).onItem().transformToUniAndConcatenate(Supplier::get)
                .collect().last().replaceWithVoid();
    }

    /**
     * A run's query returns a row per member of each of its rooms, so a run holds at most this many rooms: the memory
     * of a query stays a small multiple of what one message's recipients query took before runs.
     */
    static final int MAX_RUN_ROOMS = 16;

    private void endRun(List<Supplier<Uni<Void>>> steps, List<NotificationService.Created> run,
            Set<String> runRooms) {
        if (run.isEmpty()) {
            return;
        }
        List<NotificationService.Created> messages = List.copyOf(run);
        runSize().record(messages.size());
        run.clear();
        runRooms.clear();
        // a run that keeps failing is not dropped as a whole: its messages are then tried one by one, each with its
        // own retries, so only a message that fails by itself is lost (logged)
        steps.add(() -> EventHandling.withRetries(() -> service.messagesCreated(messages), 2)
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("a run of %d message.created events failed (%s); deciding them one by one", messages.size(),
                            e.toString());
                    return Multi.createFrom().iterable(messages).onItem().transformToUniAndConcatenate(m ->
                                    EventHandling.retried(Topics.CHAT_EVENTS, m.eventId() + " (message.created)",
                                            () -> service.messagesCreated(List.of(m))))
                            .collect().last().replaceWithVoid();
                }));
    }

    private DistributionSummary runSize;

    /** Looked up once: a registry lookup builds the meter's id each time. */
    private DistributionSummary runSize() {
        if (runSize == null) {
            runSize = metrics.summary("chat_notifications_run_size");
        }
        return runSize;
    }

    /** A malformed or missing payload is left to {@link #dispatch}, which fails it (logged, not retried) on its own. */
    private MessageEvent createdOrNull(Envelope e) {
        try {
            return EventHandling.payload(json, e, MessageEvent.class);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    Uni<Void> dispatch(Envelope e) {
        return switch (e.type()) {
            case EventTypes.MESSAGE_CREATED ->
                    service.messageCreated(e.eventId(), EventHandling.payload(json, e, MessageEvent.class));
            case EventTypes.MESSAGE_DELETED -> {
                MessageEvent m = EventHandling.payload(json, e, MessageEvent.class);
                yield m.room() == null || m.msgId() == null ? Uni.createFrom().voidItem()
                        : notifications.messageDeleted(m.room(), m.msgId());
            }
            case EventTypes.ROOM_CREATED, EventTypes.ROOM_UPDATED, EventTypes.MEMBER_JOINED, EventTypes.MEMBER_LEFT ->
                    roomChanged(e, EventHandling.payload(json, e, RoomChanged.class));
            case EventTypes.RECEIPT_UPDATED -> receipt(e, EventHandling.payload(json, e, ReceiptUpdated.class));
            default -> Uni.createFrom().voidItem(); // not in HANDLED: skipped by consume before it gets here
        };
    }

    private Uni<Void> roomChanged(Envelope e, RoomChanged r) {
        if (r.room() == null) {
            LOG.warnf("%s %s without room skipped", e.type(), e.eventId());
            return Uni.createFrom().voidItem();
        }
        if (r.members() == null) {
            // no member list: keep membership, update what is given
            return rooms.find(r.room()).chain(existing -> existing == null && r.kind() == null
                    ? Uni.createFrom().voidItem()
                    : rooms.updateRoom(r.room(), r.kind(), r.name()));
        }
        List<String> members = r.members().stream().map(Member::userId).filter(Objects::nonNull).distinct().toList();
        Uni<Void> stored = rooms.replace(r.room(), r.kind(), r.name(), members);
        if (EventTypes.MEMBER_JOINED.equals(e.type()) && r.userId() != null) {
            return stored.chain(() -> rooms.find(r.room()))
                    .chain(room -> service.memberJoined(e.eventId(), r.room(), room == null ? r.kind() : room.kind(),
                            r.userId()));
        }
        return stored;
    }

    private Uni<Void> receipt(Envelope e, ReceiptUpdated r) {
        if (r.room() == null || r.user() == null || r.read() == null) {
            return Uni.createFrom().voidItem(); // delivery pointers alone do not mean the user read anything
        }
        Instant at = e.occurredAt() == null ? Instant.now() : e.occurredAt();
        return people.advanceReadPointer(r.user(), r.room(), r.read(), at)
                .chain(() -> notifications.roomReadUpTo(r.user(), r.room(), r.read()));
    }
}

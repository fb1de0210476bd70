package io.chat.notification.service;

import io.chat.contracts.MessageEvent;
import io.chat.contracts.NotificationCreated;
import io.chat.notification.config.NotificationConfig;
import io.chat.notification.mapping.NotificationSettings;
import io.chat.notification.messaging.NotificationPublisher;
import io.chat.notification.push.PushMessage;
import io.chat.notification.push.PushService;
import io.chat.notification.repository.NotificationRepository;
import io.chat.notification.repository.NotificationRepository.NotificationRow;
import io.chat.notification.repository.NotificationRepository.Outcome;
import io.chat.notification.repository.PeopleRepository;
import io.chat.notification.repository.PeopleRepository.RecipientRow;
import io.chat.notification.repository.RoomRepository;
import io.chat.notification.service.NotificationPolicy.Decision;
import io.chat.notification.service.NotificationPolicy.Recipient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Turns a stored message into the notifications its recipients get, each decided once per (event, user). */
@ApplicationScoped
public class NotificationService {
    private static final Logger LOG = Logger.getLogger(NotificationService.class);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private final Map<String, Counter> decidedCounters = new ConcurrentHashMap<>();

    @Inject
    PeopleRepository people;
    @Inject
    NotificationRepository notifications;
    @Inject
    SettingsService settings;
    @Inject
    NotificationPublisher publisher;
    @Inject
    PushService push;
    @Inject
    NotificationConfig config;
    @Inject
    MeterRegistry metrics;

    /** A stored message, as one {@code message.created} event brings it. */
    public record Created(String eventId, MessageEvent message) {
    }

    public Uni<Void> messageCreated(String eventId, MessageEvent m) {
        return messagesCreated(List.of(new Created(eventId, m)));
    }

    /**
     * A run of {@code message.created} events, in their partitions' order: one query fetches the rooms (each once) and
     * their members, then each message is decided and recorded as on its own. Safe to repeat (decisions are stored
     * once per event and user). Callers keep the number of distinct rooms small (see {@code ChatEventsConsumer}).
     */
    public Uni<Void> messagesCreated(List<Created> run) {
        List<Created> valid = new ArrayList<>(run.size());
        for (Created c : run) {
            if (c.message().room() == null || c.message().msgId() == null) {
                LOG.warnf("message.created %s without room or msgId: skipped", c.eventId());
            } else {
                valid.add(c);
            }
        }
        if (valid.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return people.audiences(valid.stream().map(c -> c.message().room()).collect(java.util.stream.Collectors.toSet()))
                .chain(audiences -> Multi.createFrom().iterable(valid)
                        .onItem().transformToUniAndConcatenate(c -> decided(c, audiences.get(c.message().room())))
                        .collect().last().replaceWithVoid());
    }

    private Uni<Void> decided(Created c, PeopleRepository.Audience audience) {
        MessageEvent m = c.message();
        String eventId = c.eventId();
        if (audience == null) {
            // membership arrives on the same partition before messages, so this is a room we never saw created
            LOG.warnf("message.created %s for a room unknown here: skipped", eventId);
            return Uni.createFrom().voidItem();
        }
        RoomRepository.RoomRow room = audience.room();
        // Only decisions with an effect are stored (all in one transaction; pushes and live notifications after it
        // committed): they make a redelivered event change nothing. A decision without effect (most of them: online,
        // mentions-only rooms) is just counted; a redelivery decides it again.
        List<Planned> planned = new ArrayList<>();
        String preview = preview(m.text()); // once per message, not per recipient
        for (RecipientRow r : audience.members()) {
            if (r.userId().equals(m.sender())) {
                continue; // the sender is not notified of their own message
            }
            Planned p = decide(eventId, m, room, r, preview);
            if (p.decision.notifies()) {
                planned.add(p);
            } else {
                decidedCounter(p.decision.outcome(), "none").increment();
            }
        }
        return notifications.recordAll(planned.stream().map(Planned::outcome).toList()).chain(first -> {
            List<Uni<Void>> live = new ArrayList<>();
            for (Planned p : planned) {
                if (first.contains(p.outcome.userId())) {
                    live.add(announce(m, room, p));
                } else {
                    metrics.counter("chat_notifications_redelivered_total").increment();
                }
            }
            return live.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.join().all(live).andCollectFailures().replaceWithVoid();
        });
    }

    private record Planned(Decision decision, NotificationSettings settings, NotificationRow row, String preview,
            Outcome outcome) {
    }

    private Planned decide(String eventId, MessageEvent m, RoomRepository.RoomRow room, RecipientRow r, String preview) {
        NotificationSettings s = settings.parseStored(r.settingsJson());
        boolean mentioned = mentioned(m.mentions(), r.userId());
        Instant now = Instant.now();
        Decision d = NotificationPolicy.decide(m.room(), room.kind(), m.seq(), mentioned,
                new Recipient(r.userId(), r.status(), s, r.timeZone(), r.readSeq(), r.lastActiveAt()), now,
                config.activeWindow());
        // a row (and its random id, a SecureRandom call) only for the decisions that store one: most do not
        NotificationRow row = d.notifies() ? new NotificationRow(UUID.randomUUID(), r.userId(), d.kind(), m.room(), m.msgId(),
                m.seq(), m.sender(), preview, now, null) : null;
        Outcome o = new Outcome(eventId, r.userId(), d.outcome(), row, d.inApp(),
                d.digest() && m.text() != null ? m.text() : null);
        return new Planned(d, s, row, preview, o);
    }

    /** After the decision is stored (the first time only): metrics, the live notification, the push. */
    private Uni<Void> announce(MessageEvent m, RoomRepository.RoomRow room, Planned p) {
        Decision d = p.decision;
        NotificationRow row = p.row;
        String user = p.outcome.userId();
        decidedCounter(d.outcome(), d.kind() == null ? "none" : d.kind()).increment();
        Uni<Void> live = d.inApp()
                ? publisher.created(new NotificationCreated(row.id().toString(), user, d.kind(), m.room(),
                        m.msgId(), m.sender(), p.preview, row.createdAt()))
                        .onFailure().invoke(e -> LOG.warnf("notification.created not published: %s", e.toString()))
                        .onFailure().recoverWithNull()
                : Uni.createFrom().voidItem();
        if (d.push()) {
            // pushes go out on their own; a slow push service must not hold up the consumer
            push.send(user, new PushMessage(row.id().toString(), d.kind(), m.room(), room.name(),
                    m.sender(), p.settings.previews() ? p.preview : null)).subscribe().with(x -> { }, e -> { });
        }
        return live;
    }

    /**
     * Someone was added to a group, channel or support room: an in-app "invite" notification for them (decided once
     * per event). Direct rooms and the room's creation are not announced (RoomChanged carries no actor, so a user who
     * joined a channel by themselves also gets one: the client may ignore invites for rooms it opened itself).
     */
    public Uni<Void> memberJoined(String eventId, String roomId, String kind, String userId) {
        if (userId == null || "direct".equals(kind)) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        NotificationRow row = new NotificationRow(UUID.randomUUID(), userId, "invite", roomId, null, null, null, null,
                now, null);
        return notifications.record(new Outcome(eventId, userId, "notified", row, true, null)).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            decidedCounter("notified", "invite").increment();
            return publisher.created(new NotificationCreated(row.id().toString(), userId, "invite", roomId, null, null,
                            null, now))
                    .onFailure().invoke(e -> LOG.warnf("notification.created not published: %s", e.toString()))
                    .onFailure().recoverWithNull();
        });
    }

    /** Mentions hold user ids; "room" (or "@room") mentions everyone in the room. */
    static boolean mentioned(List<String> mentions, String userId) {
        if (mentions == null) {
            return false;
        }
        for (String m : mentions) {
            if (m == null) {
                continue;
            }
            if (m.equals(userId) || m.equals("room") || m.equals("@room") || m.equals("@" + userId)) {
                return true;
            }
        }
        return false;
    }

    /** One counter per outcome and kind, looked up once: a registry lookup per recipient of every message adds up. */
    private Counter decidedCounter(String outcome, String kind) {
        return decidedCounters.computeIfAbsent(outcome + '\n' + kind,
                k -> metrics.counter("chat_notifications_decided_total", "outcome", outcome, "kind", kind));
    }

    String preview(String text) {
        if (text == null) {
            return null;
        }
        String flat = WHITESPACE.matcher(text).replaceAll(" ").strip();
        int max = config.previewLength();
        return flat.codePointCount(0, flat.length()) <= max ? flat
                : flat.substring(0, flat.offsetByCodePoints(0, max - 1)) + "…";
    }
}

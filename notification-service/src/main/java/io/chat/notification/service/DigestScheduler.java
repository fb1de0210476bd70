package io.chat.notification.service;

import io.chat.notification.config.NotificationConfig;
import io.chat.notification.repository.DigestRepository;
import io.chat.notification.repository.PeopleRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.UUID;

/**
 * Sends the missed-message digests: one email per user covering every room, once their oldest unread line is older
 * than their interval. Lines read in the meantime are dropped; quiet hours and do-not-disturb defer the email.
 */
@ApplicationScoped
public class DigestScheduler {
    private static final Logger LOG = Logger.getLogger(DigestScheduler.class);
    private static final int BATCH = 100;

    @Inject
    DigestRepository digests;
    @Inject
    PeopleRepository people;
    @Inject
    SettingsService settings;
    @Inject
    DigestMailer mailer;
    @Inject
    UnsubscribeTokens tokens;
    @Inject
    NotificationConfig config;
    @Inject
    MeterRegistry metrics;

    @Scheduled(every = "${chat.notification.digest.poll-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        if (!tokens.present()) {
            return Uni.createFrom().voidItem();
        }
        return digests.dueUsers(config.digest().delay(), config.digest().claimTimeout(), BATCH)
                .chain(users -> Multi.createFrom().iterable(users)
                        .onItem().transformToUniAndConcatenate(this::sendFor)
                        .collect().asList().replaceWithVoid())
                .onFailure().invoke(e -> LOG.warnf("digest run failed: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    Uni<Void> sendFor(String userId) {
        return people.findUser(userId).chain(user -> settings.get(userId).chain(s -> {
            if (user == null || user.email() == null || user.email().isBlank() || !s.emailDigest()) {
                return digests.dropAll(userId);
            }
            Instant now = Instant.now();
            if (s.dndUntil() != null && s.dndUntil().isAfter(now)
                    || NotificationPolicy.inQuietHours(s.quietHours(), user.timeZone(), now)) {
                return Uni.createFrom().voidItem(); // deferred: looked at again on the next run
            }
            UUID claim = UUID.randomUUID();
            return digests.claim(userId, claim, config.digest().claimTimeout()).chain(lines -> {
                if (lines.isEmpty()) {
                    return Uni.createFrom().voidItem(); // everything was read in the meantime
                }
                String name = user.displayName() != null ? user.displayName() : user.username();
                return mailer.send(userId, user.email(), name, user.timeZone(), s.previews(), lines)
                        .chain(() -> digests.complete(claim))
                        .invoke(() -> metrics.counter("chat_digest_emails_total", "result", "sent").increment())
                        .onFailure().call(e -> {
                            metrics.counter("chat_digest_emails_total", "result", "failed").increment();
                            LOG.warnf("digest email not sent, will retry: %s", e.toString());
                            return digests.release(claim);
                        })
                        .onFailure().recoverWithNull();
            });
        }));
    }

}

package io.chat.notification.push;

import io.chat.notification.config.NotificationConfig;
import io.chat.notification.repository.PushSubscriptionRepository.SubscriptionRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** Web Push (RFC 8030) with aes128gcm payload encryption (RFC 8291) and VAPID (RFC 8292). */
@ApplicationScoped
public class WebPushProvider implements PushProvider {
    private static final Logger LOG = Logger.getLogger(WebPushProvider.class);

    /** A transient failure (429, 5xx, I/O) worth retrying with back-off. */
    static final class Retryable extends RuntimeException {
        Retryable(String message) {
            super(message, null, false, false);
        }
    }

    @Inject
    VapidKeys vapid;
    @Inject
    NotificationConfig config;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Override
    public String name() {
        return "webpush";
    }

    @Override
    public boolean enabled() {
        return vapid.present();
    }

    @Override
    public Uni<PushResult> send(SubscriptionRow sub, String payloadJson) {
        HttpRequest request;
        try {
            byte[] body = WebPushCrypto.encrypt(payloadJson.getBytes(StandardCharsets.UTF_8),
                    Base64.getUrlDecoder().decode(sub.p256dh()), Base64.getUrlDecoder().decode(sub.auth()));
            request = HttpRequest.newBuilder(URI.create(sub.endpoint()))
                    .timeout(config.push().requestTimeout())
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Encoding", "aes128gcm")
                    .header("TTL", Integer.toString(config.push().ttlSeconds()))
                    .header("Urgency", "normal")
                    .header("Authorization", vapid.authorization(sub.endpoint(), Instant.now()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (Exception e) {
            LOG.warnf("push not prepared: %s", e.toString());
            return Uni.createFrom().item(PushResult.FAILED);
        }
        var push = config.push();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .onFailure().transform(e -> new Retryable(e.getClass().getSimpleName()))
                .map(response -> {
                    int status = response.statusCode();
                    if (status == 429 || status >= 500) {
                        throw new Retryable("status " + status);
                    }
                    if (status == 404 || status == 410) {
                        return PushResult.GONE;
                    }
                    if (status >= 200 && status < 300) {
                        return PushResult.DELIVERED;
                    }
                    LOG.warnf("push refused with status %d", status);
                    return PushResult.FAILED;
                })
                .onFailure(Retryable.class).retry()
                .withBackOff(push.initialBackoff(), push.initialBackoff().multipliedBy(16))
                .atMost(Math.max(0, push.maxAttempts() - 1))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("push gave up after %d attempts: %s", push.maxAttempts(), e.getMessage());
                    return PushResult.FAILED;
                });
    }
}

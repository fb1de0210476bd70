package io.chat.notification.push;

import io.chat.notification.repository.PushSubscriptionRepository.SubscriptionRow;
import io.smallrye.mutiny.Uni;

/**
 * A way to reach a device. {@link WebPushProvider} (RFC 8291 + VAPID) is the one implemented and tested.
 * Mobile gateways plug in as further CDI beans: an FCM provider (HTTP v1 API, OAuth2 service account from
 * config) or an APNs provider (HTTP/2, token-based .p8 auth from config) would implement this interface with
 * {@link #name()} "fcm" / "apns" and receive the subscriptions stored with that provider name. NOT DONE: no FCM or
 * APNs provider exists yet, and the REST API only registers Web Push subscriptions.
 */
public interface PushProvider {

    /** The provider name stored with each subscription ("webpush", "fcm", "apns"). */
    String name();

    /** False when the provider lacks its configuration (keys); its subscriptions are then skipped. */
    boolean enabled();

    /** Sends one message; retries transient failures itself and completes with the final result. */
    Uni<PushResult> send(SubscriptionRow subscription, String payloadJson);

    enum PushResult {
        /** Accepted by the push service. */
        DELIVERED,
        /** The subscription no longer exists (404/410): the caller removes it. */
        GONE,
        /** Gave up (other 4xx, or retries exhausted). */
        FAILED
    }
}

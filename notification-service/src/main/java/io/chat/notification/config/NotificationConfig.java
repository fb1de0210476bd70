package io.chat.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Typed settings of notification-service; in production every value comes from CHAT_NOTIFICATION_* variables. */
@ConfigMapping(prefix = "chat.notification")
public interface NotificationConfig {

    /** Where clients reach the product (links in emails, unsubscribe URL). */
    @WithDefault("http://localhost:8080")
    String publicBaseUrl();

    /** A user who sent a read receipt in a room within this window is "active in that room" and not notified. */
    @WithDefault("2m")
    Duration activeWindow();

    /** Longest preview stored in a notification. */
    @WithDefault("120")
    int previewLength();

    Digest digest();

    Keys keys();

    Push push();

    interface Digest {
        /** Default wait before missed messages are emailed (users may choose their own interval). */
        @WithDefault("10m")
        Duration delay();

        /** How often the scheduler looks for due digests. */
        @WithDefault("15s")
        Duration pollInterval();

        /** Most messages in one email; the rest are counted, not listed. */
        @WithDefault("50")
        int maxMessages();

        /** A claim older than this is considered abandoned (crashed sender) and retried. */
        @WithDefault("5m")
        Duration claimTimeout();
    }

    interface Keys {
        /** dev/test: generate the VAPID and unsubscribe keys at start-up when not configured. */
        @WithDefault("false")
        boolean generateWhenAbsent();

        /** VAPID public key: uncompressed P-256 point, base64url (65 bytes). */
        Optional<String> vapidPublicKey();

        /** VAPID private key: the P-256 scalar, base64url (32 bytes). */
        Optional<String> vapidPrivateKey();

        /** HMAC-SHA256 key (base64url or any text of at least 32 chars) signing unsubscribe links. */
        Optional<String> unsubscribeKey();
    }

    interface Push {
        /** VAPID "sub" claim: a mailto: or https: contact for push services. */
        @WithDefault("mailto:admin@chat.local")
        String vapidSubject();

        /** Attempts per push message on 429/5xx (with exponential back-off). */
        @WithDefault("4")
        int maxAttempts();

        @WithDefault("PT0.5S")
        Duration initialBackoff();

        /** Seconds push services keep an undelivered message. */
        @WithDefault("86400")
        int ttlSeconds();

        @WithDefault("10s")
        Duration requestTimeout();

        /** Accept http:// push endpoints (dev/test push servers only; real push services are https). */
        @WithDefault("false")
        boolean allowInsecureEndpoints();
    }
}

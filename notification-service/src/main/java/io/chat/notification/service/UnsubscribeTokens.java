package io.chat.notification.service;

import io.chat.notification.config.NotificationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Signed unsubscribe tokens (HMAC-SHA256 over the user id) so the link in a digest works without logging in.
 * The key comes from chat.notification.keys.unsubscribe-key, or is generated per run in dev/test.
 */
@ApplicationScoped
public class UnsubscribeTokens {
    private static final Logger LOG = Logger.getLogger(UnsubscribeTokens.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;

    @Inject
    public UnsubscribeTokens(NotificationConfig config) {
        Optional<String> configured = config.keys().unsubscribeKey();
        if (configured.isPresent() && configured.get().length() >= 32) {
            key = configured.get().getBytes(StandardCharsets.UTF_8);
        } else if (config.keys().generateWhenAbsent()) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        } else {
            key = null;
            LOG.warn("no unsubscribe key configured (CHAT_NOTIFICATION_KEYS_UNSUBSCRIBE_KEY, ≥ 32 chars): "
                    + "digest emails are not sent");
        }
    }

    public boolean present() {
        return key != null;
    }

    public String issue(String userId) {
        return B64.encodeToString(userId.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(mac(userId));
    }

    /** The user id the token was issued for, or null when it is malformed or not ours. */
    public String verify(String token) {
        if (key == null || token == null) {
            return null;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            String userId = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            return MessageDigest.isEqual(sig, mac(userId)) ? userId : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] mac(String userId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(("unsubscribe:" + userId).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

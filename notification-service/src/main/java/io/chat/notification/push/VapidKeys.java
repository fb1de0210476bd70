package io.chat.notification.push;

import io.chat.notification.config.NotificationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;

/**
 * The application server's VAPID key pair (RFC 8292): from configuration, or generated at start-up in dev/test
 * ({@code chat.notification.keys.generate-when-absent}). Without keys in prod, Web Push is disabled.
 */
@ApplicationScoped
public class VapidKeys {
    private static final Logger LOG = Logger.getLogger(VapidKeys.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ECPublicKey publicKey;
    private final ECPrivateKey privateKey;
    private final String publicKeyText;
    private final String subject;

    @Inject
    public VapidKeys(NotificationConfig config) throws GeneralSecurityException {
        var keys = config.keys();
        subject = config.push().vapidSubject();
        if (keys.vapidPublicKey().isPresent() && keys.vapidPrivateKey().isPresent()) {
            publicKey = WebPushCrypto.decodePublic(Base64.getUrlDecoder().decode(keys.vapidPublicKey().get().strip()));
            privateKey = WebPushCrypto.decodePrivate(Base64.getUrlDecoder().decode(keys.vapidPrivateKey().get().strip()));
        } else if (keys.generateWhenAbsent()) {
            KeyPair kp = WebPushCrypto.generateKeyPair();
            publicKey = (ECPublicKey) kp.getPublic();
            privateKey = (ECPrivateKey) kp.getPrivate();
            LOG.info("VAPID keys generated for this run (dev/test); browsers must re-subscribe after a restart");
        } else {
            publicKey = null;
            privateKey = null;
            LOG.warn("no VAPID keys configured (CHAT_NOTIFICATION_KEYS_VAPID_PUBLIC_KEY/_PRIVATE_KEY): Web Push disabled");
        }
        publicKeyText = publicKey == null ? null : B64.encodeToString(WebPushCrypto.encodePublic(publicKey));
    }

    public boolean present() {
        return publicKey != null;
    }

    /** The public key as browsers want it for applicationServerKey: base64url of the uncompressed point. */
    public String publicKey() {
        return publicKeyText;
    }

    /** The Authorization header value for a push to {@code endpoint}: {@code vapid t=<JWT>, k=<public key>}. */
    public String authorization(String endpoint, Instant now) throws GeneralSecurityException {
        URI uri = URI.create(endpoint);
        String aud = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        String header = B64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));
        String claims = B64.encodeToString(("{\"aud\":\"" + aud + "\",\"exp\":" + (now.getEpochSecond() + 12 * 3600)
                + ",\"sub\":\"" + subject.replace("\"", "") + "\"}").getBytes(StandardCharsets.UTF_8));
        Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
        es256.initSign(privateKey);
        es256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        String jwt = header + "." + claims + "." + B64.encodeToString(es256.sign());
        return "vapid t=" + jwt + ", k=" + publicKeyText;
    }
}

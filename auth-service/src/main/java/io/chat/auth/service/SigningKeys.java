package io.chat.auth.service;

import io.chat.auth.config.AuthConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.jboss.logging.Logger;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ES256 key that signs access tokens and the public keys that verify them (current, and the previous one during a
 * rotation). kid = RFC 7638 JWK thumbprint. Loaded once at start-up: a key file in production, a generated throw-away
 * key in dev/test when none is configured.
 */
@Startup
@ApplicationScoped
public class SigningKeys {
    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final ECPrivateKey signingKey;
    private final String currentKid;
    private final Map<String, PublicKey> verificationKeys;
    private final String jwksJson;

    @Inject
    public SigningKeys(AuthConfig config) {
        this(config.signingKeyFile(), config.previousPublicKeyFile(), config.generateKeyIfMissing());
    }

    public SigningKeys(Optional<Path> signingKeyFile, Optional<Path> previousPublicKeyFile, boolean generateIfMissing) {
        try {
            KeyPair current;
            if (signingKeyFile.isPresent()) {
                current = loadPrivateKey(signingKeyFile.get());
                LOG.infof("access tokens are signed with the key from %s", signingKeyFile.get());
            } else if (generateIfMissing) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                current = g.generateKeyPair();
                LOG.warn("no chat.auth.signing-key-file configured: generated an in-memory signing key; tokens will not "
                        + "survive a restart and replicas will not agree (development and tests only)");
            } else {
                throw new IllegalStateException("chat.auth.signing-key-file (CHAT_AUTH_SIGNING_KEY_FILE) must point to a "
                        + "PKCS#8 PEM EC P-256 private key");
            }
            List<JsonWebKey> jwks = new ArrayList<>();
            EllipticCurveJsonWebKey currentJwk = publicJwk((ECPublicKey) current.getPublic());
            jwks.add(currentJwk);
            if (previousPublicKeyFile.isPresent()) {
                EllipticCurveJsonWebKey previous = publicJwk(loadPublicKey(previousPublicKeyFile.get()));
                if (!previous.getKeyId().equals(currentJwk.getKeyId())) {
                    jwks.add(previous);
                }
            }
            this.signingKey = (ECPrivateKey) current.getPrivate();
            this.currentKid = currentJwk.getKeyId();
            this.verificationKeys = jwks.stream()
                    .collect(Collectors.toUnmodifiableMap(JsonWebKey::getKeyId, k -> (PublicKey) k.getKey(), (a, b) -> a));
            this.jwksJson = new JsonWebKeySet(jwks).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (GeneralSecurityException | IOException | JoseException e) {
            throw new IllegalStateException("cannot load signing keys: " + e.getMessage(), e);
        }
    }

    public ECPrivateKey signingKey() {
        return signingKey;
    }

    public String currentKid() {
        return currentKid;
    }

    /** The keys a token may be verified with, by kid (current and previous). */
    public Function<String, PublicKey> verificationKey() {
        return verificationKeys::get;
    }

    public String jwksJson() {
        return jwksJson;
    }

    /** RFC 7638 thumbprint, the kid of a public key. */
    public static String thumbprint(ECPublicKey key) throws JoseException {
        return new EllipticCurveJsonWebKey(key).calculateBase64urlEncodedThumbprint("SHA-256");
    }

    private static EllipticCurveJsonWebKey publicJwk(ECPublicKey key) throws JoseException {
        EllipticCurveJsonWebKey jwk = new EllipticCurveJsonWebKey(key);
        if (!"P-256".equals(jwk.getCurveName())) {
            throw new JoseException("only EC P-256 keys are supported (ES256), got " + jwk.getCurveName());
        }
        jwk.setKeyId(thumbprint(key));
        jwk.setUse("sig");
        jwk.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        return jwk;
    }

    static KeyPair loadPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        if (pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new GeneralSecurityException("SEC1 'EC PRIVATE KEY' found in " + file + "; convert it to PKCS#8: "
                    + "openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem");
        }
        byte[] der = pemBody(pem, "PRIVATE KEY");
        ECPrivateKey priv = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        // derive the public point Q = d·G, so one secret file is all production needs
        ECNamedCurveParameterSpec p256 = ECNamedCurveTable.getParameterSpec("secp256r1");
        org.bouncycastle.math.ec.ECPoint q = p256.getG().multiply(priv.getS()).normalize();
        ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, priv.getParams()));
        return new KeyPair(pub, priv);
    }

    static ECPublicKey loadPublicKey(Path file) throws IOException, GeneralSecurityException {
        byte[] der = pemBody(Files.readString(file), "PUBLIC KEY");
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    }

    private static byte[] pemBody(String pem, String label) throws GeneralSecurityException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException("no '" + begin + "' block found");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
}

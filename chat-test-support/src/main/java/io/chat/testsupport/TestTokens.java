package io.chat.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * For service tests that need access tokens without a running auth-service: generates an
 * ES256 key pair per test JVM, publishes its public half as a JWKS file the service under test
 * verifies with, and signs tokens shaped exactly like auth-service's. Use with
 * {@code @QuarkusTestResource(TestTokens.class)}.
 */
public class TestTokens implements QuarkusTestResourceLifecycleManager {
    public static final String ISSUER = "chat-auth";
    public static final String AUDIENCE = "chat";

    private static EllipticCurveJsonWebKey key;
    private static Path jwksFile;

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (key == null) {
                key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
                key.setKeyId("test-" + UUID.randomUUID());
                key.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
                jwksFile = Files.createTempFile("chat-test-jwks", ".json");
                jwksFile.toFile().deleteOnExit();
                Files.writeString(jwksFile, new JsonWebKeySet(key).toJson());
            }
            return Map.of("mp.jwt.verify.publickey.location", jwksFile.toUri().toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test signing key", e);
        }
    }

    @Override
    public void stop() {
    }

    /** The public half of the signing key, as a JWKS consumer sees it. */
    public static EllipticCurveJsonWebKey publicJwk() {
        return key;
    }

    static EllipticCurveJsonWebKey signingKey() {
        return key;
    }

    /** A valid 15-minute access token for {@code userId} with the given roles (default {@code user}). */
    public static String forUser(String userId, String... groups) {
        return sign(userId, groups.length == 0 ? List.of("user") : List.of(groups), 900, UUID.randomUUID().toString());
    }

    /** A token whose lifetime (seconds from now, may be negative) and session id the test chooses. */
    public static String sign(String userId, List<String> groups, long lifetimeSeconds, String sessionId) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(ISSUER);
            claims.setAudience(AUDIENCE);
            claims.setSubject(userId);
            claims.setIssuedAtToNow();
            claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + lifetimeSeconds));
            claims.setJwtId(UUID.randomUUID().toString());
            claims.setStringListClaim("groups", groups);
            claims.setStringClaim("sid", sessionId);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

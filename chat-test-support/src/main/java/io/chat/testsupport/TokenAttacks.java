package io.chat.testsupport;

import org.jose4j.base64url.Base64Url;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Forged and invalid access tokens for {@code userId}, each of which every service must refuse
 * with 401. Built against {@link TestTokens}' key, so only the forgery differs from a valid token.
 */
public final class TokenAttacks {
    private TokenAttacks() {
    }

    public static Map<String, String> all(String userId) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("alg none", unsigned(claims(userId, c -> { })));
        out.put("HS256 signed with the public key (key confusion)", keyConfusion(claims(userId, c -> { })));
        out.put("tampered payload", tampered(userId));
        out.put("unknown kid", signedWithStranger(claims(userId, c -> { })));
        out.put("expired", sign(claims(userId, c -> c.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 120)))));
        out.put("not yet valid", sign(claims(userId, c -> c.setNotBefore(NumericDate.fromSeconds(NumericDate.now().getValue() + 600)))));
        out.put("wrong iss", sign(claims(userId, c -> c.setIssuer("https://evil.example"))));
        out.put("wrong aud", sign(claims(userId, c -> c.setAudience("another-app"))));
        out.put("garbage", "not.a.token");
        return out;
    }

    static JwtClaims claims(String userId, Consumer<JwtClaims> change) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(TestTokens.ISSUER);
        c.setAudience(TestTokens.AUDIENCE);
        c.setSubject(userId);
        c.setIssuedAtToNow();
        c.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 900));
        c.setJwtId(UUID.randomUUID().toString());
        c.setStringListClaim("groups", List.of("user", "staff", "admin"));
        c.setStringClaim("sid", UUID.randomUUID().toString());
        change.accept(c);
        return c;
    }

    static String sign(JwtClaims claims) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(TestTokens.signingKey().getPrivateKey());
            jws.setKeyIdHeaderValue(TestTokens.signingKey().getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned(JwtClaims claims) {
        String header = Base64Url.encodeUtf8ByteRepresentation("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\""
                + TestTokens.signingKey().getKeyId() + "\"}");
        return header + "." + Base64Url.encodeUtf8ByteRepresentation(claims.toJson()) + ".";
    }

    /** The classic confusion: HMAC keyed with the (public) verification key as a verifier would hold it. */
    static String keyConfusion(JwtClaims claims) {
        try {
            String publicJwks = TestTokens.signingKey().toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(new HmacKey(publicJwks.getBytes(StandardCharsets.UTF_8)));
            jws.setKeyIdHeaderValue(TestTokens.signingKey().getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setDoKeyValidation(false);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token whose payload was changed afterwards (the signature no longer matches). */
    static String tampered(String userId) {
        String[] parts = sign(claims(userId, c -> { })).split("\\.");
        String payload = new String(Base64Url.decode(parts[1]), StandardCharsets.UTF_8).replace(userId, userId + "-admin");
        return parts[0] + "." + Base64Url.encodeUtf8ByteRepresentation(payload) + "." + parts[2];
    }

    static String signedWithStranger(JwtClaims claims) {
        try {
            EllipticCurveJsonWebKey stranger = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(stranger.getPrivateKey());
            jws.setKeyIdHeaderValue("unknown-" + UUID.randomUUID());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

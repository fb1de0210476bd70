package io.chat.auth.service;

import io.chat.auth.config.AuthConfig;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.UnresolvableKeyException;

import javax.crypto.SecretKey;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Verifies access tokens for auth-service's own protected endpoints, replacing smallrye-jwt's default parser so the
 * service does not fetch its own JWKS over HTTP. Accepts only ES256 (no {@code none}, no HMAC: key confusion is
 * impossible), only keys of {@link SigningKeys} by {@code kid}, and requires iss, aud, sub, exp, iat, jti and sid;
 * {@code iat}/{@code nbf} in the future are refused. Pure CPU work, cheap enough for the I/O thread.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class AccessTokenVerifier implements JWTParser {
    private final JwtConsumer consumer;

    public AccessTokenVerifier(SigningKeys keys, AuthConfig config) {
        int skew = (int) config.clockSkew().toSeconds();
        this.consumer = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver((jws, nestingContext) -> {
                    PublicKey key = jws.getKeyIdHeaderValue() == null ? null
                            : keys.verificationKey().apply(jws.getKeyIdHeaderValue());
                    if (key == null) {
                        throw new UnresolvableKeyException("unknown kid");
                    }
                    return key;
                })
                .setExpectedIssuer(true, config.issuer())
                .setExpectedAudience(true, config.audience())
                .setRequireSubject()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setIssuedAtRestrictions(skew, (int) config.accessTokenTtl().toSeconds() + skew)
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds(skew)
                .build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            if (!claims.hasClaim("sid")) {
                throw new ParseException("token has no sid");
            }
            return new DefaultJWTCallerPrincipal(token, "JWT", claims);
        } catch (InvalidJwtException e) {
            throw new ParseException("invalid access token", e);
        }
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo ignored) throws ParseException {
        return parse(token);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        throw new ParseException("verification with caller-supplied keys is not supported");
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        throw new ParseException("HMAC tokens are not accepted");
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        throw new ParseException("HMAC tokens are not accepted");
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        throw new ParseException("encrypted tokens are not accepted");
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        throw new ParseException("encrypted tokens are not accepted");
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        throw new ParseException("encrypted tokens are not accepted");
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        throw new ParseException("unverified parsing is not supported");
    }
}

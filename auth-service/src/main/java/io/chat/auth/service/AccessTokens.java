package io.chat.auth.service;

import io.chat.auth.config.AuthConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Signs ES256 access tokens with the current key (claims as docs/development.md lists). */
@ApplicationScoped
public class AccessTokens {
    private final SigningKeys keys;
    private final AuthConfig config;

    public AccessTokens(SigningKeys keys, AuthConfig config) {
        this.keys = keys;
        this.config = config;
    }

    public String issue(UUID userId, String username, Set<String> roles, UUID sessionId) {
        Instant now = Instant.now();
        return Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(userId.toString())
                .upn(username)
                .preferredUserName(username)
                .groups(roles)
                .claim("sid", sessionId.toString())
                .claim("jti", UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(config.accessTokenTtl()))
                .jws().keyId(keys.currentKid()).algorithm(SignatureAlgorithm.ES256)
                .sign(keys.signingKey());
    }

    public long ttlSeconds() {
        return config.accessTokenTtl().toSeconds();
    }
}

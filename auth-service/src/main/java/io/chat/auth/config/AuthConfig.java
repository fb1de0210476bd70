package io.chat.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything auth-service can be configured with ({@code chat.auth.*}, env {@code CHAT_AUTH_*}). */
@ConfigMapping(prefix = "chat.auth")
public interface AuthConfig {
    /** {@code iss} of issued tokens and the only issuer accepted. */
    @WithDefault("chat-auth")
    String issuer();

    /** {@code aud} of issued tokens and the only audience accepted. */
    @WithDefault("chat")
    String audience();

    @WithDefault("15m")
    Duration accessTokenTtl();

    @WithDefault("14d")
    Duration refreshTokenTtl();

    /** Clock skew tolerated on exp/nbf/iat. */
    @WithDefault("30s")
    Duration clockSkew();

    /** PKCS#8 PEM EC P-256 private key that signs access tokens. */
    Optional<Path> signingKeyFile();

    /** X.509 PEM public key of the key used before the last rotation; published in JWKS, accepted for verification. */
    Optional<Path> previousPublicKeyFile();

    /** Without a key file: generate a throw-away key (dev, test) or refuse to start (prod). */
    @WithDefault("false")
    boolean generateKeyIfMissing();

    /** Usernames that receive the admin role when they register (first-admin bootstrap without a committed password). */
    Optional<List<String>> bootstrapAdmins();

    /** Peers whose X-Forwarded-For is believed (exact addresses or CIDR blocks). */
    @WithDefault("127.0.0.1,::1")
    List<String> trustedProxies();

    Lockout lockout();

    PasswordHashing password();

    Directory directory();

    interface Lockout {
        /** Failures per account within {@link #window()} before the account is locked. */
        @WithDefault("5")
        int maxFailures();

        @WithDefault("15m")
        Duration window();

        /** First lock; doubles with every further failure. */
        @WithDefault("1m")
        Duration baseLock();

        @WithDefault("1h")
        Duration maxLock();

        /** Failures per client address within {@link #window()} before the address is refused. */
        @WithDefault("50")
        int ipMaxFailures();
    }

    /** Argon2id parameters; raising them rehashes each password at its next successful login. */
    interface PasswordHashing {
        @WithDefault("19456")
        int memoryKib();

        @WithDefault("2")
        int iterations();

        @WithDefault("1")
        int parallelism();

        /** Caps the memory spent on hashing at once (each hash holds memoryKib). */
        @WithDefault("4")
        int maxConcurrentHashes();
    }

    interface Directory {
        @WithDefault("20")
        int defaultPageSize();

        /** Hard upper limit of one page. */
        @WithDefault("50")
        int maxPageSize();
    }
}

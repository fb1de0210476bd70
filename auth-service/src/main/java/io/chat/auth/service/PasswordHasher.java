package io.chat.auth.service;

import io.chat.auth.config.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;

/**
 * Argon2id through Bouncy Castle, stored as a self-describing PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded base64) so parameters can be raised later:
 * {@link #needsRehash} tells the login to store a stronger hash. CPU- and memory-heavy: call only from worker
 * threads; a semaphore bounds how many hashes hold their memory at once.
 */
@ApplicationScoped
public class PasswordHasher {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final Semaphore permits;
    /** A real hash of a random password: unknown usernames are verified against it, so they cost the same time. */
    private final String dummyHash;

    @Inject
    public PasswordHasher(AuthConfig config) {
        this(config.password().memoryKib(), config.password().iterations(), config.password().parallelism(),
                config.password().maxConcurrentHashes());
    }

    public PasswordHasher(int memoryKib, int iterations, int parallelism, int maxConcurrent) {
        if (memoryKib < 19456 || iterations < 2 || parallelism < 1) {
            throw new IllegalArgumentException("Argon2id parameters below OWASP minimum (m=19456 KiB, t=2, p=1)");
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.permits = new Semaphore(Math.max(1, maxConcurrent), true);
        byte[] pw = new byte[24];
        random.nextBytes(pw);
        this.dummyHash = hash(B64.encodeToString(pw));
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Constant-time check of {@code password} against a PHC string; false for anything malformed. */
    public boolean verify(String encoded, String password) {
        Phc phc = Phc.parse(encoded);
        if (phc == null) {
            return false;
        }
        byte[] out = derive(password, phc.salt, phc.m, phc.t, phc.p, phc.hash.length);
        return MessageDigest.isEqual(out, phc.hash);
    }

    /** Spends the time of one verification without an account: unknown usernames answer as slowly as wrong passwords. */
    public void verifyDummy(String password) {
        verify(dummyHash, password);
    }

    public boolean needsRehash(String encoded) {
        Phc phc = Phc.parse(encoded);
        return phc == null || phc.m < memoryKib || phc.t < iterations || phc.p < parallelism;
    }

    private byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(m).withIterations(t)
                .withParallelism(p).withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        permits.acquireUninterruptibly();
        try {
            generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            permits.release();
        }
        return out;
    }

    private record Phc(int m, int t, int p, byte[] salt, byte[] hash) {
        static Phc parse(String s) {
            if (s == null) {
                return null;
            }
            String[] parts = s.split("\\$"); // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                return null;
            }
            int m = -1, t = -1, p = -1;
            for (String kv : parts[3].split(",")) {
                String[] pair = kv.split("=", 2);
                if (pair.length != 2) {
                    return null;
                }
                try {
                    int v = Integer.parseInt(pair[1]);
                    switch (pair[0]) {
                        case "m" -> m = v;
                        case "t" -> t = v;
                        case "p" -> p = v;
                        default -> {
                            return null;
                        }
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            if (m < 8 || t < 1 || p < 1 || m > 4 * 1024 * 1024) {
                return null;
            }
            try {
                return new Phc(m, t, p, B64D.decode(parts[4]), B64D.decode(parts[5]));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}

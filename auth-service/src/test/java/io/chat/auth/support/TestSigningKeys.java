package io.chat.auth.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

/**
 * Starts auth-service as production would after a key rotation: a current signing key from a PKCS#8 PEM file and the
 * previous key's public PEM. Both key pairs are generated per test JVM into temp files (nothing secret is committed);
 * the tests keep the private halves to forge tokens (attack suite) and to sign "pre-rotation" tokens.
 */
public class TestSigningKeys implements QuarkusTestResourceLifecycleManager {
    public static KeyPair current;
    public static KeyPair previous;
    private static Map<String, String> config;

    @Override
    public synchronized Map<String, String> start() {
        if (config == null) {
            try {
                current = generate();
                previous = generate();
                Path dir = Files.createTempDirectory("auth-test-keys");
                Path key = dir.resolve("signing.pem");
                Path prev = dir.resolve("previous.pub.pem");
                Files.writeString(key, pem("PRIVATE KEY", current.getPrivate().getEncoded()));
                Files.writeString(prev, pem("PUBLIC KEY", previous.getPublic().getEncoded()));
                key.toFile().deleteOnExit();
                prev.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                config = Map.of("chat.auth.signing-key-file", key.toString(),
                        "chat.auth.previous-public-key-file", prev.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return config;
    }

    @Override
    public void stop() {
    }

    public static KeyPair generate() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    public static String pem(String label, byte[] der) {
        String dashes = "-----";
        return dashes + "BEGIN " + label + dashes + "\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n" + dashes + "END " + label
                + dashes + "\n";
    }
}

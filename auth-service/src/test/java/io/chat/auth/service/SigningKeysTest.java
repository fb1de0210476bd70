package io.chat.auth.service;

import io.chat.auth.support.TestSigningKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningKeysTest {

    @Test
    void withoutAKeyFileProductionRefusesToStartAndDevGeneratesOne() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SigningKeys(Optional.empty(), Optional.empty(), false));
        assertTrue(e.getMessage().contains("signing-key-file"));
        SigningKeys dev = new SigningKeys(Optional.empty(), Optional.empty(), true);
        assertTrue(dev.jwksJson().contains(dev.currentKid()));
    }

    @Test
    void loadsPkcs8DerivesThePublicKeyAndPublishesThePreviousOne() throws Exception {
        KeyPair current = TestSigningKeys.generate();
        KeyPair previous = TestSigningKeys.generate();
        Path dir = Files.createTempDirectory("keys");
        Path key = Files.writeString(dir.resolve("k.pem"), TestSigningKeys.pem("PRIVATE KEY", current.getPrivate().getEncoded()));
        Path prev = Files.writeString(dir.resolve("p.pem"), TestSigningKeys.pem("PUBLIC KEY", previous.getPublic().getEncoded()));
        try {
            SigningKeys keys = new SigningKeys(Optional.of(key), Optional.of(prev), false);
            String kid = SigningKeys.thumbprint((ECPublicKey) current.getPublic());
            assertEquals(kid, keys.currentKid());
            assertEquals(current.getPublic(), keys.verificationKey().apply(kid), "public key derived from d");
            assertEquals(previous.getPublic(),
                    keys.verificationKey().apply(SigningKeys.thumbprint((ECPublicKey) previous.getPublic())));
            assertFalse(keys.jwksJson().contains("\"d\""), "JWKS holds no private part");

            Path sec1 = Files.writeString(dir.resolve("sec1.pem"), TestSigningKeys.pem("EC PRIVATE KEY", new byte[] { 1 }));
            assertThrows(IllegalStateException.class, () -> new SigningKeys(Optional.of(sec1), Optional.empty(), true));
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.delete(dir);
        }
    }
}

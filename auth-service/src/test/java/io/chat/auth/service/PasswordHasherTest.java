package io.chat.auth.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {
    final PasswordHasher hasher = new PasswordHasher(19456, 2, 1, 2);

    @Test
    void argon2idPhcStringsVerifyAndSaltsDiffer() {
        String h = hasher.hash("correct horse battery");
        assertTrue(h.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), h);
        assertTrue(hasher.verify(h, "correct horse battery"));
        assertFalse(hasher.verify(h, "correct horse batterz"));
        assertNotEquals(h, hasher.hash("correct horse battery"));
        assertFalse(hasher.needsRehash(h));
    }

    @Test
    void weakerStoredParametersAskForARehashAndMalformedHashesNeverVerify() {
        String old = hasher.hash("some password");
        PasswordHasher stronger = new PasswordHasher(19456, 3, 1, 2);
        assertTrue(stronger.needsRehash(old));
        assertTrue(stronger.verify(old, "some password"), "old hashes keep verifying with their own parameters");
        assertFalse(hasher.verify(old.replace("argon2id", "argon2i"), "some password"));
        assertFalse(hasher.verify("plaintext", "plaintext"));
        assertFalse(hasher.verify(null, "x"));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(4096, 1, 1, 1), "below OWASP");
    }
}

package io.chat.message.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque list cursors: base64url of the keyset position; anything malformed is a bad request. */
public final class Cursors {
    private Cursors() {
    }

    public static String encode(Object... parts) {
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            if (!b.isEmpty()) {
                b.append('|');
            }
            b.append(p);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the parts, exactly {@code count} of them, or null when there is no cursor */
    public static String[] decode(String cursor, int count) {
        if (cursor == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != count) {
                throw new IllegalArgumentException();
            }
            return parts;
        } catch (RuntimeException e) {
            throw ChatException.badRequest("cursor", "invalid cursor");
        }
    }

    public static long decodeLong(String cursor, long fallback) {
        String[] p = decode(cursor, 1);
        if (p == null) {
            return fallback;
        }
        try {
            return Long.parseLong(p[0]);
        } catch (NumberFormatException e) {
            throw ChatException.badRequest("cursor", "invalid cursor");
        }
    }
}

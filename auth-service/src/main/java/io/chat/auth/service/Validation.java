package io.chat.auth.service;

import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Field rules of the contract and of the profile; each returns an error message or null. */
public final class Validation {
    public static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");
    public static final int PASSWORD_MIN = 10;
    public static final int PASSWORD_MAX = 1024;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    private Validation() {
    }

    public static String normaliseUsername(String username) {
        return username == null ? null : username.toLowerCase(Locale.ROOT);
    }

    public static void username(String normalised, Map<String, String> errors) {
        if (normalised == null) {
            errors.put("username", "required");
        } else if (!USERNAME.matcher(normalised).matches()) {
            errors.put("username", "3 to 32 characters: letters a-z, digits, '_', '.', '-'");
        }
    }

    public static void password(String field, String password, Map<String, String> errors) {
        if (password == null) {
            errors.put(field, "required");
        } else if (password.length() < PASSWORD_MIN) {
            errors.put(field, "at least " + PASSWORD_MIN + " characters");
        } else if (password.length() > PASSWORD_MAX) {
            errors.put(field, "at most " + PASSWORD_MAX + " characters");
        }
    }

    public static void displayName(String value, Map<String, String> errors) {
        if (value != null && (value.isBlank() || value.length() > 64 || hasControl(value))) {
            errors.put("displayName", "1 to 64 printable characters");
        }
    }

    public static void email(String value, Map<String, String> errors) {
        if (value != null && (value.length() > 254 || !EMAIL.matcher(value).matches())) {
            errors.put("email", "not a valid email address");
        }
    }

    public static void avatarUrl(String value, Map<String, String> errors) {
        if (value == null) {
            return;
        }
        try {
            URI uri = new URI(value);
            if (value.length() > 2048 || uri.getHost() == null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                errors.put("avatarUrl", "an absolute http(s) URL of at most 2048 characters");
            }
        } catch (Exception e) {
            errors.put("avatarUrl", "an absolute http(s) URL of at most 2048 characters");
        }
    }

    public static void timeZone(String value, Map<String, String> errors) {
        if (value == null) {
            return;
        }
        try {
            if (value.length() > 64 || !value.contains("/") && !value.equals("UTC")) {
                throw new DateTimeException(value);
            }
            ZoneId.of(value);
        } catch (DateTimeException e) {
            errors.put("timeZone", "an IANA time zone such as Europe/Berlin or UTC");
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }
}

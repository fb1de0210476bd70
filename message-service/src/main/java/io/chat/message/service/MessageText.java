package io.chat.message.service;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Message text is plain text: NFC-normalised, control characters removed, trimmed, bounded. */
public final class MessageText {
    // C0/C1 controls except newline and tab, plus the bidi overrides that can disguise text (Trojan Source)
    private static final Pattern FORBIDDEN = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]|[\\u202A-\\u202E\\u2066-\\u2069]");
    private static final Pattern MENTION = Pattern.compile("(?<![\\w@])@([a-zA-Z0-9_.-]{3,32})");

    /** The name that {@code @room} mentions are stored under in {@code mentions}. */
    public static final String ROOM_MENTION = "room";

    private MessageText() {
    }

    public static String normalize(String raw, int maxLength) {
        if (raw == null) {
            throw ChatException.badRequest("text", "text is required");
        }
        String text = FORBIDDEN.matcher(Normalizer.normalize(raw, Normalizer.Form.NFC)).replaceAll("").strip();
        if (text.isEmpty()) {
            throw ChatException.badRequest("text", "text must not be empty");
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw ChatException.badRequest("text", "text is longer than " + maxLength + " characters");
        }
        return text;
    }

    /** Lower-cased names after {@code @}; {@link #ROOM_MENTION} for {@code @room}. */
    public static Set<String> mentionedNames(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = MENTION.matcher(text);
        while (m.find()) {
            names.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        return names;
    }
}

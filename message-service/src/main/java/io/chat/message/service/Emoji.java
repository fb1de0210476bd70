package io.chat.message.service;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * A reaction is one emoji: a single extended grapheme cluster (so flags, keycaps, skin tones and
 * ZWJ families count as one) of at most 32 UTF-16 chars, made only of Unicode emoji code points
 * and emoji components, with at least one pictographic code point, regional indicator or keycap
 * (so a bare digit or '#', which Unicode also lists as Emoji, is refused).
 */
public final class Emoji {
    public static final int MAX_CHARS = 32;
    private static final Pattern ONE_GRAPHEME = Pattern.compile("\\X");

    private Emoji() {
    }

    public static String validate(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw ChatException.badRequest("emoji", "emoji is required");
        }
        String emoji = Normalizer.normalize(raw, Normalizer.Form.NFC);
        if (emoji.length() > MAX_CHARS || !ONE_GRAPHEME.matcher(emoji).matches()) {
            throw ChatException.badRequest("emoji", "emoji must be one emoji");
        }
        boolean pictographic = false;
        for (int cp : emoji.codePoints().toArray()) {
            if (!Character.isEmoji(cp) && !Character.isEmojiComponent(cp)) {
                throw ChatException.badRequest("emoji", "emoji must be one emoji");
            }
            if (Character.isExtendedPictographic(cp) || Character.isEmojiPresentation(cp)
                    || (cp >= 0x1F1E6 && cp <= 0x1F1FF) || cp == 0x20E3) {
                pictographic = true;
            }
        }
        if (!pictographic) {
            throw ChatException.badRequest("emoji", "emoji must be one emoji");
        }
        return emoji;
    }
}

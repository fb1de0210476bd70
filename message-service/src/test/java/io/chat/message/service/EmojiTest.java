package io.chat.message.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reaction emoji validation: a plain unit test, no Quarkus. */
class EmojiTest {

    @ParameterizedTest
    @ValueSource(strings = {"👍", "❤️", "👍🏽", "🇫🇷", "1️⃣", "👨‍👩‍👧‍👦", "🏳️‍🌈", "😀"})
    void acceptsSingleEmojiIncludingSequences(String emoji) {
        assertEquals(emoji, Emoji.validate(emoji));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "1", "#", "👍👍", "👍 ", "<script>", "ok", "\u200D", "\uFE0F", "👍a", "😀\u0000"})
    void refusesTextSeveralEmojiAndBareComponents(String emoji) {
        ChatException e = assertThrows(ChatException.class, () -> Emoji.validate(emoji));
        assertEquals("bad_request", e.code);
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongClusters() {
        // one grapheme cluster (a ZWJ chain) longer than 32 UTF-16 chars
        String chain = String.join("\u200D", java.util.Collections.nCopies(12, "👨"));
        assertThrows(ChatException.class, () -> Emoji.validate(chain));
    }
}

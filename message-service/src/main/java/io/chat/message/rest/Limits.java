package io.chat.message.rest;

import io.chat.message.service.ChatException;

/** Every list has a hard upper limit. */
final class Limits {
    static final int MAX = 100;

    private Limits() {
    }

    static int page(Integer requested, int fallback) {
        if (requested == null) {
            return fallback;
        }
        if (requested < 1 || requested > MAX) {
            throw ChatException.badRequest("limit", "limit must be between 1 and " + MAX);
        }
        return requested;
    }
}

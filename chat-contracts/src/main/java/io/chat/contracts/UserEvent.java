package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * About an account. Profile fields are set on registered/updated so other services keep a local
 * copy (usernames for mentions, display names and email for notifications). {@code sessionId} is
 * set when one login session was revoked (logout); absent on user.sessions.revoked it means every
 * session of the user.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserEvent(String userId, String username, String displayName, String email, String timeZone,
        String sessionId) {
}

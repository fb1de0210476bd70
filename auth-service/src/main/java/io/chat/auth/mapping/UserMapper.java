package io.chat.auth.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chat.auth.repository.SessionRepository.SessionRow;
import io.chat.auth.repository.UserRow;
import io.chat.contracts.UserEvent;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Rows → API and event records; the password hash never leaves through here. */
public final class UserMapper {

    /** {@code GET /api/users/me}. */
    public record Profile(String userId, String username, String displayName, String email, String avatarUrl,
            String timeZone, Set<String> roles, Instant createdAt) {
    }

    /** One entry of the directory search. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DirectoryEntry(String userId, String username, String displayName, String avatarUrl) {
    }

    public record SessionInfo(String sessionId, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
            Instant revokedAt, String revokeReason) {
    }

    /** {@code GET /api/users/me/export}: everything auth-service holds about the caller. */
    public record Export(String service, Instant exportedAt, Profile account, Instant updatedAt,
            Instant passwordChangedAt, List<SessionInfo> sessions, String note) {
    }

    private UserMapper() {
    }

    public static Profile profile(UserRow u) {
        return new Profile(u.id().toString(), u.username(), u.displayName(), u.email(), u.avatarUrl(), u.timeZone(),
                u.roles(), instant(u.createdAt()));
    }

    public static DirectoryEntry directoryEntry(UserRow u) {
        return new DirectoryEntry(u.id().toString(), u.username(), u.displayName(), u.avatarUrl());
    }

    public static UserEvent event(UserRow u) {
        return new UserEvent(u.id().toString(), u.username(), u.displayName(), u.email(), u.timeZone(), null);
    }

    public static UserEvent sessionsRevoked(UUID userId, UUID sessionIdOrNull) {
        return new UserEvent(userId.toString(), null, null, null, null,
                sessionIdOrNull == null ? null : sessionIdOrNull.toString());
    }

    public static UserEvent deleted(UUID userId) {
        return new UserEvent(userId.toString(), null, null, null, null, null);
    }

    public static Export export(UserRow u, List<SessionRow> sessions) {
        return new Export("auth-service", Instant.now(), profile(u), instant(u.updatedAt()),
                instant(u.passwordChangedAt()),
                sessions.stream().map(s -> new SessionInfo(s.id().toString(), instant(s.createdAt()),
                        instant(s.lastUsedAt()), instant(s.expiresAt()), instant(s.revokedAt()), s.revokeReason()))
                        .toList(),
                "The password is stored only as an Argon2id hash and refresh tokens only as SHA-256 hashes; "
                        + "neither is exported.");
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}

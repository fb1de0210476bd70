package io.chat.auth.repository;

import io.vertx.mutiny.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** One row of {@code users}. Never leaves the service: {@code mapping.UserMapper} turns it into API/event records. */
public record UserRow(UUID id, String username, String passwordHash, String displayName, String email,
        String avatarUrl, String timeZone, Set<String> roles, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        OffsetDateTime passwordChangedAt) {

    static final String COLUMNS = "id, username, password_hash, display_name, email, avatar_url, time_zone, roles, "
            + "created_at, updated_at, password_changed_at";

    static UserRow from(Row r) {
        return new UserRow(r.getUUID("id"), r.getString("username"), r.getString("password_hash"),
                r.getString("display_name"), r.getString("email"), r.getString("avatar_url"), r.getString("time_zone"),
                new LinkedHashSet<>(List.of(r.getArrayOfStrings("roles"))), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"), r.getOffsetDateTime("password_changed_at"));
    }
}

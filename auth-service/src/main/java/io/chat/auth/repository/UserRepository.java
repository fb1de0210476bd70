package io.chat.auth.repository;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** SQL on {@code users} and {@code deleted_users}. Every method takes the client so callers choose the transaction. */
@ApplicationScoped
public class UserRepository {

    public Optional<UserRow> findByUsername(SqlClient db, String username) {
        return one(db.preparedQuery("SELECT " + UserRow.COLUMNS + " FROM users WHERE username = $1")
                .executeAndAwait(Tuple.of(username)));
    }

    public Optional<UserRow> findById(SqlClient db, UUID id) {
        return one(db.preparedQuery("SELECT " + UserRow.COLUMNS + " FROM users WHERE id = $1")
                .executeAndAwait(Tuple.of(id)));
    }

    public Optional<UserRow> lockById(SqlClient db, UUID id) {
        return one(db.preparedQuery("SELECT " + UserRow.COLUMNS + " FROM users WHERE id = $1 FOR UPDATE")
                .executeAndAwait(Tuple.of(id)));
    }

    /** Inserts unless the username is taken; false when it is. */
    public boolean insert(SqlClient db, UserRow u) {
        RowSet<Row> rs = db.preparedQuery("INSERT INTO users (" + UserRow.COLUMNS
                + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (username) DO NOTHING")
                .executeAndAwait(Tuple.from(new Object[] { u.id(), u.username(), u.passwordHash(), u.displayName(),
                        u.email(), u.avatarUrl(), u.timeZone(), u.roles().toArray(String[]::new), u.createdAt(),
                        u.updatedAt(), u.passwordChangedAt() }));
        return rs.rowCount() == 1;
    }

    public void updateProfile(SqlClient db, UserRow u) {
        db.preparedQuery("UPDATE users SET display_name=$2, email=$3, avatar_url=$4, time_zone=$5, updated_at=$6 "
                + "WHERE id=$1")
                .executeAndAwait(Tuple.from(new Object[] { u.id(), u.displayName(), u.email(), u.avatarUrl(),
                        u.timeZone(), u.updatedAt() }));
    }

    public void updatePasswordHash(SqlClient db, UUID id, String hash, boolean changedByUser) {
        db.preparedQuery(changedByUser
                ? "UPDATE users SET password_hash=$2, password_changed_at=now(), updated_at=now() WHERE id=$1"
                : "UPDATE users SET password_hash=$2 WHERE id=$1")
                .executeAndAwait(Tuple.of(id, hash));
    }

    public void updateRoles(SqlClient db, UUID id, Set<String> roles) {
        db.preparedQuery("UPDATE users SET roles=$2, updated_at=now() WHERE id=$1")
                .executeAndAwait(Tuple.of(id, roles.toArray(String[]::new)));
    }

    /** Erases the account (sessions and refresh tokens cascade) and keeps only a tombstone of its id. */
    public void deleteWithTombstone(SqlClient db, UUID id) {
        db.preparedQuery("DELETE FROM users WHERE id=$1").executeAndAwait(Tuple.of(id));
        db.preparedQuery("INSERT INTO deleted_users (user_id, deleted_at) VALUES ($1, now()) ON CONFLICT DO NOTHING")
                .executeAndAwait(Tuple.of(id));
    }

    public boolean isDeleted(SqlClient db, UUID id) {
        return db.preparedQuery("SELECT 1 FROM deleted_users WHERE user_id=$1").executeAndAwait(Tuple.of(id))
                .rowCount() > 0;
    }

    /**
     * Directory search: username or display name starting with {@code prefix} (case-insensitive), ordered by username,
     * after the cursor username; {@code limit} rows.
     */
    public List<UserRow> search(SqlClient db, String prefix, String afterUsername, int limit) {
        String pattern = prefix.toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        RowSet<Row> rs = db.preparedQuery("SELECT " + UserRow.COLUMNS + " FROM users "
                + "WHERE (username LIKE $1 OR lower(display_name) LIKE $1) AND username > $2 "
                + "ORDER BY username LIMIT $3")
                .executeAndAwait(Tuple.of(pattern, afterUsername == null ? "" : afterUsername, limit));
        List<UserRow> out = new ArrayList<>();
        rs.forEach(r -> out.add(UserRow.from(r)));
        return out;
    }

    public static OffsetDateTime now() {
        return OffsetDateTime.now(java.time.ZoneOffset.UTC);
    }

    private static Optional<UserRow> one(RowSet<Row> rs) {
        var it = rs.iterator();
        return it.hasNext() ? Optional.of(UserRow.from(it.next())) : Optional.empty();
    }
}

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
import java.util.UUID;

/** SQL on {@code sessions} (refresh-token families) and {@code refresh_tokens} (stored as SHA-256 hashes only). */
@ApplicationScoped
public class SessionRepository {

    public record SessionRow(UUID id, UUID userId, OffsetDateTime createdAt, OffsetDateTime lastUsedAt,
            OffsetDateTime expiresAt, OffsetDateTime revokedAt, String revokeReason) {
    }

    /** A refresh token joined with its family. */
    public record TokenRow(byte[] tokenHash, UUID sessionId, UUID userId, OffsetDateTime expiresAt, OffsetDateTime usedAt,
            OffsetDateTime sessionRevokedAt) {
    }

    public void insertSession(SqlClient db, UUID id, UUID userId, OffsetDateTime now, OffsetDateTime expiresAt) {
        db.preparedQuery("INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at) VALUES ($1,$2,$3,$3,$4)")
                .executeAndAwait(Tuple.of(id, userId, now, expiresAt));
    }

    public void insertToken(SqlClient db, byte[] hash, UUID sessionId, OffsetDateTime now, OffsetDateTime expiresAt) {
        db.preparedQuery("INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES ($1,$2,$3,$4)")
                .executeAndAwait(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash), sessionId, now, expiresAt));
    }

    /** The token and its family, row-locked so two concurrent refreshes with one token cannot both win. */
    public Optional<TokenRow> lockToken(SqlClient db, byte[] hash) {
        RowSet<Row> rs = db.preparedQuery("SELECT t.token_hash, t.session_id, s.user_id, t.expires_at, t.used_at, "
                + "s.revoked_at FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id "
                + "WHERE t.token_hash = $1 FOR UPDATE OF t, s")
                .executeAndAwait(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)));
        var it = rs.iterator();
        if (!it.hasNext()) {
            return Optional.empty();
        }
        Row r = it.next();
        return Optional.of(new TokenRow(hash, r.getUUID("session_id"), r.getUUID("user_id"),
                r.getOffsetDateTime("expires_at"), r.getOffsetDateTime("used_at"), r.getOffsetDateTime("revoked_at")));
    }

    public void markUsed(SqlClient db, byte[] hash, OffsetDateTime now) {
        db.preparedQuery("UPDATE refresh_tokens SET used_at=$2 WHERE token_hash=$1")
                .executeAndAwait(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash), now));
    }

    public void touchSession(SqlClient db, UUID sessionId, OffsetDateTime now, OffsetDateTime expiresAt) {
        db.preparedQuery("UPDATE sessions SET last_used_at=$2, expires_at=$3 WHERE id=$1")
                .executeAndAwait(Tuple.of(sessionId, now, expiresAt));
    }

    /** Revokes one family; true when it was active. */
    public boolean revokeSession(SqlClient db, UUID sessionId, String reason) {
        return db.preparedQuery("UPDATE sessions SET revoked_at=now(), revoke_reason=$2 WHERE id=$1 AND revoked_at IS NULL")
                .executeAndAwait(Tuple.of(sessionId, reason)).rowCount() == 1;
    }

    public int revokeAllSessions(SqlClient db, UUID userId, String reason) {
        return db.preparedQuery("UPDATE sessions SET revoked_at=now(), revoke_reason=$2 "
                + "WHERE user_id=$1 AND revoked_at IS NULL")
                .executeAndAwait(Tuple.of(userId, reason)).rowCount();
    }

    /** True when the session exists, belongs to the user, is not revoked and not expired. */
    public boolean isActive(SqlClient db, UUID sessionId, UUID userId) {
        return db.preparedQuery("SELECT 1 FROM sessions WHERE id=$1 AND user_id=$2 AND revoked_at IS NULL "
                + "AND expires_at > now()")
                .executeAndAwait(Tuple.of(sessionId, userId)).rowCount() > 0;
    }

    public List<SessionRow> listForUser(SqlClient db, UUID userId) {
        RowSet<Row> rs = db.preparedQuery("SELECT id, user_id, created_at, last_used_at, expires_at, revoked_at, "
                + "revoke_reason FROM sessions WHERE user_id=$1 ORDER BY created_at")
                .executeAndAwait(Tuple.of(userId));
        List<SessionRow> out = new ArrayList<>();
        rs.forEach(r -> out.add(new SessionRow(r.getUUID("id"), r.getUUID("user_id"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("last_used_at"), r.getOffsetDateTime("expires_at"),
                r.getOffsetDateTime("revoked_at"), r.getString("revoke_reason"))));
        return out;
    }

    /** Housekeeping: families and tokens past their expiry are no longer needed for reuse detection. */
    public int purgeExpired(SqlClient db) {
        int tokens = db.preparedQuery("DELETE FROM refresh_tokens WHERE expires_at < now()").executeAndAwait().rowCount();
        int sessions = db.preparedQuery("DELETE FROM sessions WHERE expires_at < now() - interval '1 day'")
                .executeAndAwait().rowCount();
        return tokens + sessions;
    }
}

package io.chat.auth.service;

import io.chat.auth.config.AuthConfig;
import io.chat.auth.mapping.UserMapper;
import io.chat.auth.messaging.UserEventOutbox;
import io.chat.auth.repository.Db;
import io.chat.auth.repository.SessionRepository;
import io.chat.auth.repository.SessionRepository.TokenRow;
import io.chat.auth.repository.UserRepository;
import io.chat.auth.repository.UserRow;
import io.chat.contracts.EventTypes;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Login sessions: password login with lockout, refresh-token rotation with reuse detection, logout. A session is a
 * refresh-token family; its id is the access token's {@code sid}. Refresh tokens are 256-bit random strings stored
 * only as SHA-256 hashes (they carry full entropy, so a fast hash is enough).
 */
@ApplicationScoped
public class SessionService {
    private static final Logger LOG = Logger.getLogger(SessionService.class);
    private static final String INVALID_LOGIN = "invalid username or password";

    private final Db db;
    private final UserRepository users;
    private final SessionRepository sessions;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final AccessTokens accessTokens;
    private final UserEventOutbox outbox;
    private final AuthConfig config;
    private final MeterRegistry metrics;
    private final SecureRandom random = new SecureRandom();

    public SessionService(Db db, UserRepository users, SessionRepository sessions, PasswordHasher hasher,
            LoginThrottle throttle, AccessTokens accessTokens, UserEventOutbox outbox, AuthConfig config,
            MeterRegistry metrics) {
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.throttle = throttle;
        this.accessTokens = accessTokens;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
    }

    public TokenPair login(String username, String password, String clientAddress) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (username == null || username.isEmpty()) {
            errors.put("username", "required");
        }
        if (password == null || password.isEmpty()) {
            errors.put("password", "required");
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid login request", errors);
        }
        String account = Validation.normaliseUsername(username);
        throttle.checkAllowed(account, clientAddress);
        UserRow user = confirmPassword(account, password, clientAddress)
                .orElseThrow(() -> ApiException.unauthorized(INVALID_LOGIN));
        if (hasher.needsRehash(user.passwordHash())) {
            // parameters were raised since this hash was made: store a stronger one now that we know the password
            users.updatePasswordHash(db.pool(), user.id(), hasher.hash(password), false);
            LOG.infof("password hash of user %s upgraded to current parameters", user.id());
        }
        TokenPair pair = db.inTransaction(conn -> openSession(conn, user));
        metrics.counter("chat.auth.logins").increment();
        return pair;
    }

    /**
     * Checks a password for an account name, counting failures for lockout. Unknown names are verified against a dummy
     * hash so they take as long as wrong passwords. The caller has already called {@link LoginThrottle#checkAllowed}.
     */
    public Optional<UserRow> confirmPassword(String account, String password, String clientAddress) {
        Optional<UserRow> user = account.length() <= 64 ? users.findByUsername(db.pool(), account) : Optional.empty();
        boolean ok;
        if (user.isPresent()) {
            ok = hasher.verify(user.get().passwordHash(), password);
        } else {
            hasher.verifyDummy(password);
            ok = false;
        }
        if (!ok) {
            throttle.recordFailure(account, clientAddress, user.isPresent() ? "bad_password" : "unknown_user");
            return Optional.empty();
        }
        throttle.recordSuccess(account);
        return user;
    }

    /** Creates a session (refresh family) for {@code user} within {@code conn}'s transaction and issues its tokens. */
    public TokenPair openSession(SqlClient conn, UserRow user) {
        UUID sessionId = UUID.randomUUID();
        OffsetDateTime now = UserRepository.now();
        OffsetDateTime expires = now.plus(config.refreshTokenTtl());
        sessions.insertSession(conn, sessionId, user.id(), now, expires);
        String refresh = newRefreshToken();
        sessions.insertToken(conn, sha256(refresh), sessionId, now, expires);
        return new TokenPair(accessTokens.issue(user.id(), user.username(), user.roles(), sessionId), refresh,
                accessTokens.ttlSeconds(), user.id().toString());
    }

    public TokenPair refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 256) {
            throw ApiException.unauthorized("invalid refresh token");
        }
        byte[] hash = sha256(refreshToken);
        RefreshOutcome outcome = db.inTransaction(conn -> {
            Optional<TokenRow> found = sessions.lockToken(conn, hash);
            if (found.isEmpty()) {
                return RefreshOutcome.INVALID;
            }
            TokenRow t = found.get();
            OffsetDateTime now = UserRepository.now();
            if (t.sessionRevokedAt() != null) {
                return RefreshOutcome.INVALID;
            }
            if (t.usedAt() != null) {
                // a rotated token came back: it was stolen or the client is broken; end the whole family
                sessions.revokeSession(conn, t.sessionId(), "refresh_token_reuse");
                outbox.enqueue(conn, EventTypes.USER_SESSIONS_REVOKED,
                        UserMapper.sessionsRevoked(t.userId(), t.sessionId()));
                return RefreshOutcome.REUSED;
            }
            if (t.expiresAt().isBefore(now)) {
                return RefreshOutcome.INVALID;
            }
            UserRow user = users.findById(conn, t.userId()).orElse(null);
            if (user == null) {
                return RefreshOutcome.INVALID;
            }
            sessions.markUsed(conn, hash, now);
            OffsetDateTime expires = now.plus(config.refreshTokenTtl());
            String next = newRefreshToken();
            sessions.insertToken(conn, sha256(next), t.sessionId(), now, expires);
            sessions.touchSession(conn, t.sessionId(), now, expires);
            // roles are read afresh, so a granted or revoked role shows in the next access token
            return new RefreshOutcome(new TokenPair(
                    accessTokens.issue(user.id(), user.username(), user.roles(), t.sessionId()), next,
                    accessTokens.ttlSeconds(), user.id().toString()));
        });
        if (outcome == RefreshOutcome.REUSED) {
            outbox.kick();
            metrics.counter("chat.auth.refresh.reuse").increment();
            LOG.warn("refresh token reuse detected: its session was revoked");
            throw ApiException.unauthorized("invalid refresh token");
        }
        if (outcome.pair() == null) {
            metrics.counter("chat.auth.refresh.refused").increment();
            throw ApiException.unauthorized("invalid refresh token");
        }
        return outcome.pair();
    }

    /** Ends the caller's session ({@code sid}) and, if given, the family of {@code refreshToken} when it is theirs. */
    public void logout(UUID userId, UUID sessionId, String refreshToken) {
        boolean revokedAny = db.inTransaction(conn -> {
            boolean any = false;
            if (sessionId != null && sessions.revokeSession(conn, sessionId, "logout")) {
                outbox.enqueue(conn, EventTypes.USER_SESSIONS_REVOKED, UserMapper.sessionsRevoked(userId, sessionId));
                any = true;
            }
            if (refreshToken != null && !refreshToken.isBlank() && refreshToken.length() <= 256) {
                Optional<TokenRow> t = sessions.lockToken(conn, sha256(refreshToken));
                if (t.isPresent() && t.get().userId().equals(userId) && !t.get().sessionId().equals(sessionId)
                        && sessions.revokeSession(conn, t.get().sessionId(), "logout")) {
                    outbox.enqueue(conn, EventTypes.USER_SESSIONS_REVOKED,
                            UserMapper.sessionsRevoked(userId, t.get().sessionId()));
                    any = true;
                }
            }
            return any;
        });
        if (revokedAny) {
            outbox.kick();
        }
    }

    private String newRefreshToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record RefreshOutcome(TokenPair pair) {
        static final RefreshOutcome INVALID = new RefreshOutcome(null);
        static final RefreshOutcome REUSED = new RefreshOutcome(null);
    }
}

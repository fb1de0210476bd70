package io.chat.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.auth.config.AuthConfig;
import io.chat.auth.mapping.UserMapper;
import io.chat.auth.messaging.UserEventOutbox;
import io.chat.auth.repository.Db;
import io.chat.auth.repository.SessionRepository;
import io.chat.auth.repository.UserRepository;
import io.chat.auth.repository.UserRow;
import io.chat.contracts.EventTypes;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Accounts: registration, profile, directory, password change, erasure, roles. */
@ApplicationScoped
public class AccountService {
    private static final Logger LOG = Logger.getLogger(AccountService.class);
    public static final String ROLE_USER = "user";
    public static final String ROLE_STAFF = "staff";
    public static final String ROLE_ADMIN = "admin";
    private static final Set<String> PATCHABLE = Set.of("displayName", "avatarUrl", "timeZone", "email");

    private final Db db;
    private final UserRepository users;
    private final SessionRepository sessions;
    private final SessionService sessionService;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final UserEventOutbox outbox;
    private final AuthConfig config;
    private final MeterRegistry metrics;
    private final Set<String> bootstrapAdmins;

    public AccountService(Db db, UserRepository users, SessionRepository sessions, SessionService sessionService,
            PasswordHasher hasher, LoginThrottle throttle, UserEventOutbox outbox, AuthConfig config,
            MeterRegistry metrics) {
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.sessionService = sessionService;
        this.hasher = hasher;
        this.throttle = throttle;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.bootstrapAdmins = new LinkedHashSet<>();
        config.bootstrapAdmins().ifPresent(list -> list.stream().map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).forEach(bootstrapAdmins::add));
    }

    public UUID register(String username, String password, String displayName, String email) {
        String name = Validation.normaliseUsername(username);
        Map<String, String> errors = new LinkedHashMap<>();
        Validation.username(name, errors);
        Validation.password("password", password, errors);
        Validation.displayName(displayName, errors);
        Validation.email(email, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid registration", errors);
        }
        Set<String> roles = new LinkedHashSet<>(List.of(ROLE_USER));
        if (bootstrapAdmins.contains(name)) {
            roles.add(ROLE_ADMIN);
        }
        OffsetDateTime now = UserRepository.now();
        UserRow row = new UserRow(UUID.randomUUID(), name, hasher.hash(password), displayName, email, null, null,
                roles, now, now, now);
        db.inTransaction(conn -> {
            if (!users.insert(conn, row)) {
                throw ApiException.conflict("username already taken", Map.of("username", "already taken"));
            }
            outbox.enqueue(conn, EventTypes.USER_REGISTERED, UserMapper.event(row));
            return null;
        });
        outbox.kick();
        metrics.counter("chat.auth.registrations").increment();
        if (roles.contains(ROLE_ADMIN)) {
            LOG.warnf("user %s registered with the admin role (chat.auth.bootstrap-admins)", row.id());
        }
        return row.id();
    }

    /**
     * The caller of a protected endpoint, refused (401) when the account was erased (tombstone), no longer exists, or
     * (when {@code requireLiveSession}) the token's session was revoked by logout, password change or reuse detection.
     */
    public UserRow requireCaller(JsonWebToken jwt, boolean requireLiveSession) {
        UUID userId = uuidOrNull(jwt.getSubject());
        UUID sessionId = uuidOrNull(jwt.getClaim("sid"));
        if (userId == null || sessionId == null || users.isDeleted(db.pool(), userId)) {
            throw ApiException.unauthorized("missing, invalid or revoked access token");
        }
        UserRow user = users.findById(db.pool(), userId)
                .orElseThrow(() -> ApiException.unauthorized("missing, invalid or revoked access token"));
        if (requireLiveSession && !sessions.isActive(db.pool(), sessionId, userId)) {
            throw ApiException.unauthorized("missing, invalid or revoked access token");
        }
        return user;
    }

    /** Partial update of the profile: only the four profile fields; anything else (roles, username) is refused. */
    public UserRow updateProfile(UserRow current, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ApiException.badRequest("expected a JSON object", null);
        }
        Map<String, String> errors = new LinkedHashMap<>();
        String displayName = current.displayName();
        String avatarUrl = current.avatarUrl();
        String timeZone = current.timeZone();
        String email = current.email();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!PATCHABLE.contains(f.getKey())) {
                errors.put(f.getKey(), "cannot be changed here");
                continue;
            }
            if (!f.getValue().isNull() && !f.getValue().isTextual()) {
                errors.put(f.getKey(), "must be a string or null");
                continue;
            }
            String v = f.getValue().isNull() ? null : f.getValue().asText();
            switch (f.getKey()) {
                case "displayName" -> displayName = v;
                case "avatarUrl" -> avatarUrl = v;
                case "timeZone" -> timeZone = v;
                default -> email = v;
            }
        }
        Validation.displayName(displayName, errors);
        Validation.avatarUrl(avatarUrl, errors);
        Validation.timeZone(timeZone, errors);
        Validation.email(email, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid profile update", errors);
        }
        UserRow updated = new UserRow(current.id(), current.username(), current.passwordHash(), displayName, email,
                avatarUrl, timeZone, current.roles(), current.createdAt(), UserRepository.now(),
                current.passwordChangedAt());
        db.inTransaction(conn -> {
            users.updateProfile(conn, updated);
            outbox.enqueue(conn, EventTypes.USER_UPDATED, UserMapper.event(updated));
            return null;
        });
        outbox.kick();
        return updated;
    }

    public record Page(List<UserMapper.DirectoryEntry> items, String next) {
    }

    public Page search(String q, Integer limit, String cursor) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (q == null || q.isBlank() || q.length() > 64) {
            errors.put("q", "1 to 64 characters");
        }
        int size = limit == null ? config.directory().defaultPageSize() : limit;
        if (size < 1) {
            errors.put("limit", "at least 1");
        }
        String after = null;
        if (cursor != null && !cursor.isEmpty()) {
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                errors.put("cursor", "not a cursor of this list");
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid search", errors);
        }
        size = Math.min(size, config.directory().maxPageSize());
        List<UserRow> rows = users.search(db.pool(), q.trim(), after, size + 1);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(rows.get(size - 1).username().getBytes(StandardCharsets.UTF_8));
        }
        return new Page(rows.stream().map(UserMapper::directoryEntry).toList(), next);
    }

    /** Changes the password after re-checking the current one; ends every session and opens a fresh one. */
    public TokenPair changePassword(UserRow caller, String currentPassword, String newPassword, String clientAddress) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (currentPassword == null || currentPassword.isEmpty()) {
            errors.put("currentPassword", "required");
        }
        Validation.password("newPassword", newPassword, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid password change", errors);
        }
        reconfirm(caller, currentPassword, clientAddress);
        String hash = hasher.hash(newPassword);
        TokenPair pair = db.inTransaction(conn -> {
            users.updatePasswordHash(conn, caller.id(), hash, true);
            sessions.revokeAllSessions(conn, caller.id(), "password_changed");
            outbox.enqueue(conn, EventTypes.USER_SESSIONS_REVOKED, UserMapper.sessionsRevoked(caller.id(), null));
            return sessionService.openSession(conn, caller);
        });
        outbox.kick();
        LOG.infof("user %s changed their password; all sessions revoked", caller.id());
        return pair;
    }

    /** Erases the account after re-checking the password: row, sessions and tokens go; a tombstone of the id stays. */
    public void delete(UserRow caller, String password, String clientAddress) {
        if (password == null || password.isEmpty()) {
            throw ApiException.badRequest("password confirmation required", Map.of("password", "required"));
        }
        reconfirm(caller, password, clientAddress);
        db.inTransaction(conn -> {
            users.deleteWithTombstone(conn, caller.id());
            outbox.enqueue(conn, EventTypes.USER_SESSIONS_REVOKED, UserMapper.sessionsRevoked(caller.id(), null));
            outbox.enqueue(conn, EventTypes.USER_DELETED, UserMapper.deleted(caller.id()));
            return null;
        });
        outbox.kick();
        metrics.counter("chat.auth.deletions").increment();
        LOG.infof("user %s erased their account", caller.id());
    }

    public UserMapper.Export export(UserRow caller) {
        return UserMapper.export(caller, sessions.listForUser(db.pool(), caller.id()));
    }

    /** Grants or revokes {@code staff}; admins only, never on themselves. Revoking ends the target's sessions. */
    public void setStaff(UserRow caller, String targetId, boolean grant) {
        if (!caller.roles().contains(ROLE_ADMIN)) {
            throw ApiException.forbidden("admin role required");
        }
        UUID target = uuidOrNull(targetId);
        if (target == null) {
            throw ApiException.notFound("no such user");
        }
        if (target.equals(caller.id())) {
            throw ApiException.forbidden("you cannot change your own roles");
        }
        boolean changed = db.inTransaction(conn -> {
            UserRow row = users.lockById(conn, target).orElseThrow(() -> ApiException.notFound("no such user"));
            Set<String> roles = new LinkedHashSet<>(row.roles());
            boolean c = grant ? roles.add(ROLE_STAFF) : roles.remove(ROLE_STAFF);
            if (c) {
                users.updateRoles(conn, target, roles);
                if (!grant && sessions.revokeAllSessions(conn, target, "role_revoked") > 0) {
                    // tokens still carrying 'staff' must not outlive the revocation
                    outbox.enqueue(conn, EventTypes.USER_SESSIONS_REVOKED, UserMapper.sessionsRevoked(target, null));
                }
            }
            return c;
        });
        if (changed) {
            outbox.kick();
            metrics.counter("chat.auth.role.changes", "role", ROLE_STAFF, "action", grant ? "grant" : "revoke")
                    .increment();
            LOG.infof("admin %s %s staff role of user %s", caller.id(), grant ? "granted" : "revoked", target);
        }
    }

    private void reconfirm(UserRow caller, String password, String clientAddress) {
        throttle.checkAllowed(caller.username(), clientAddress);
        if (sessionService.confirmPassword(caller.username(), password, clientAddress).isEmpty()) {
            throw ApiException.forbidden("password confirmation failed");
        }
    }

    static UUID uuidOrNull(Object s) {
        if (s instanceof jakarta.json.JsonString js) {
            s = js.getString();
        }
        if (s == null) {
            return null;
        }
        try {
            return UUID.fromString(s.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

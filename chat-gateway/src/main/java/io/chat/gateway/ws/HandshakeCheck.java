package io.chat.gateway.ws;

import io.chat.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates a WebSocket handshake before it completes. A present Origin that is not allowed (cross-site WebSocket
 * hijacking) gets 403; a token in the query string gets 401, because URLs end up in logs and histories; no bearer
 * token, one that does not verify (signature, alg, iss, aud, exp, with the same smallrye-jwt parser and configuration
 * Quarkus security would use) or one of a deleted account gets 401.
 * <p>
 * Why here and not with {@code @Authenticated}: WebSockets Next keeps the HTTP security identity of a secured
 * endpoint for the socket's whole life, and with it the upgrade's routing context, request, response and the parsed
 * claims (several KiB per idle socket, see docs/benchmarks.md). The gateway needs five claims, which
 * {@link ClientSession} keeps.
 */
@ApplicationScoped
public class HandshakeCheck implements HttpUpgradeCheck {
    private static final Set<String> TOKEN_PARAMS = Set.of("access_token", "token", "accesstoken", "jwt", "bearer", "auth");
    private static final Map<String, List<String>> CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer"));
    /** The verified token of a permitted upgrade, handed to {@code @OnOpen}, which takes it out again. */
    static final UserData.TypedKey<Verified> TOKEN = new UserData.TypedKey<>("chat.gateway.access-token");

    /** @param authorization the request's own header value, {@code "Bearer <token>"} */
    record Verified(JsonWebToken jwt, String authorization) {
    }

    @Inject
    GatewayConfig config;
    @Inject
    MeterRegistry metrics;
    @Inject
    DeletedUsers deletedUsers;
    @Inject
    JWTParser jwtParser;

    private Set<String> allowed;

    @jakarta.annotation.PostConstruct
    void init() {
        allowed = Set.copyOf(config.allowedOrigins());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        String origin = request.getHeader("Origin");
        if (origin != null && !allowed.contains(origin)) {
            metrics.counter("chat_gateway_refused_connections_total", "reason", "origin").increment();
            return CheckResult.rejectUpgrade(403);
        }
        for (String name : request.params().names()) {
            if (TOKEN_PARAMS.contains(name.toLowerCase(Locale.ROOT))) {
                metrics.counter("chat_gateway_refused_connections_total", "reason", "query_token").increment();
                return CheckResult.rejectUpgrade(401);
            }
        }
        // browsers' token arrives in Sec-WebSocket-Protocol; propagate-subprotocol-headers has made it this header
        String authorization = request.getHeader("Authorization");
        JsonWebToken jwt = verify(authorization);
        if (jwt == null) {
            metrics.counter("chat_gateway_refused_connections_total", "reason", "unauthenticated").increment();
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        // a valid token of an account deleted since it was issued
        return deletedUsers.isDeleted(jwt.getSubject()).flatMap(deleted -> {
            if (deleted) {
                metrics.counter("chat_gateway_refused_connections_total", "reason", "deleted_user").increment();
                return CheckResult.rejectUpgrade(401, CHALLENGE);
            }
            context.userData().put(TOKEN, new Verified(jwt, authorization));
            return CheckResult.permitUpgrade();
        });
    }

    /**
     * @return the verified token of an {@code Authorization: Bearer} header, or null. Verified on the event loop, as
     *     Quarkus's own JWT mechanism does by default: an ES256 check is CPU work, and the keys are cached.
     */
    private JsonWebToken verify(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        // only the JWS compact form, nothing around it: this exact header value is what the session forwards to
        // message-service, so anything a stricter parser there would refuse is refused here
        for (int i = 7; i < authorization.length(); i++) {
            char c = authorization.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                return null;
            }
        }
        try {
            JsonWebToken jwt = jwtParser.parse(authorization.substring(7));
            return jwt.getSubject() == null ? null : jwt;
        } catch (ParseException e) {
            return null;
        }
    }
}

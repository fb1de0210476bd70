package io.chat.gateway.ws;

import io.chat.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;

/**
 * Refuses a WebSocket handshake before it completes: a present Origin that is not allowed
 * (cross-site WebSocket hijacking) gets 403; a token in the query string gets 401, because
 * URLs end up in logs and histories.
 */
@ApplicationScoped
public class HandshakeCheck implements HttpUpgradeCheck {
    private static final Set<String> TOKEN_PARAMS = Set.of("access_token", "token", "accesstoken", "jwt", "bearer", "auth");

    @Inject
    GatewayConfig config;
    @Inject
    MeterRegistry metrics;
    @Inject
    DeletedUsers deletedUsers;

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
            if (TOKEN_PARAMS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                metrics.counter("chat_gateway_refused_connections_total", "reason", "query_token").increment();
                return CheckResult.rejectUpgrade(401);
            }
        }
        // a valid token of an account deleted since it was issued
        return context.securityIdentity().onFailure().recoverWithNull().flatMap(identity -> {
            if (identity == null || identity.isAnonymous()
                    || !(identity.getPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken jwt) || jwt.getSubject() == null) {
                return CheckResult.permitUpgrade(); // authentication itself answers 401
            }
            return deletedUsers.isDeleted(jwt.getSubject()).flatMap(deleted -> {
                if (deleted) {
                    metrics.counter("chat_gateway_refused_connections_total", "reason", "deleted_user").increment();
                    return CheckResult.rejectUpgrade(401);
                }
                return CheckResult.permitUpgrade();
            });
        });
    }
}

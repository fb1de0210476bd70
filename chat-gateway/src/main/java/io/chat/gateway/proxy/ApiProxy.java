package io.chat.gateway.proxy;

import io.chat.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one origin for REST: /api/* is proxied unchanged to the service that owns the path, with the
 * caller's Authorization header (each service verifies the token itself) and the client address in
 * X-Forwarded-For (replacing any the client sent, so it cannot be spoofed).
 */
@ApplicationScoped
public class ApiProxy {
    @Inject
    GatewayConfig config;

    /** Longest prefix first. */
    private final Map<String, SocketAddress> routes = new LinkedHashMap<>();

    void init(@Observes Router router, Vertx vertx) {
        GatewayConfig.Services s = config.services();
        // a new prefix here needs its line in quarkus.micrometer.binder.http-server.match-patterns (application.properties)
        route("/api/auth", s.auth());
        route("/api/users", s.auth());
        route("/api/admin", s.auth());
        route("/api/rooms", s.message());
        route("/api/sync", s.message());
        route("/api/messages", s.message());
        route("/api/search", s.message());
        route("/api/support", s.message());
        route("/api/presence", s.presence());
        route("/api/notifications", s.notification());
        route("/api/notification-settings", s.notification());
        route("/api/push", s.notification());

        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(100).setKeepAlive(true));
        HttpProxy proxy = HttpProxy.reverseProxy(client);
        proxy.originSelector(request -> {
            SocketAddress target = target(request.path());
            return target == null ? Future.failedFuture("no route") : Future.succeededFuture(target);
        });
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                var request = context.request();
                request.headers().set("X-Forwarded-For", request.proxiedRequest().remoteAddress().hostAddress());
                request.headers().remove("Forwarded");
                return context.sendRequest();
            }
        });
        router.route("/api/*").order(10).handler(rc -> {
            if (target(rc.request().path()) == null) {
                rc.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end("{\"type\":\"error\",\"code\":\"not_found\",\"message\":\"no such resource\",\"retryable\":false}");
                return;
            }
            proxy.handle(rc.request());
        });
    }

    private void route(String prefix, String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        routes.put(prefix, SocketAddress.inetSocketAddress(port, uri.getHost()));
    }

    SocketAddress target(String path) {
        if (path == null) {
            return null;
        }
        for (Map.Entry<String, SocketAddress> r : routes.entrySet()) {
            String prefix = r.getKey();
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return r.getValue();
            }
        }
        return null;
    }
}

package io.chat.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.gateway.config.GatewayConfig;
import io.chat.gateway.ws.Frames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Calls message-service on behalf of a connected user, with that user's own access token. */
@ApplicationScoped
public class MessageServiceClient {
    @Inject
    Vertx vertx;
    @Inject
    GatewayConfig config;
    @Inject
    MeterRegistry metrics;

    private WebClient client;
    private long queueMillis;
    private long answerMillis;
    /** Calls that got no answer (timeout, refused connection), not those answered with an error status. */
    private Counter membershipsFailed;
    private Counter syncFailed;
    private String host;
    private int port;

    @PostConstruct
    void init() {
        URI uri = URI.create(config.services().message());
        host = uri.getHost();
        port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        GatewayConfig.MessageCalls calls = config.messageCalls();
        // the pool's wait queue is unbounded: each waiting call is a few hundred bytes, and waits at most queueTimeout
        client = WebClient.create(vertx, new WebClientOptions().setMaxPoolSize(calls.poolSize()).setKeepAlive(true));
        queueMillis = calls.queueTimeout().toMillis();
        answerMillis = calls.answerTimeout().toMillis();
        membershipsFailed = metrics.counter("chat_gateway_message_calls_failed_total", "call", "memberships");
        syncFailed = metrics.counter("chat_gateway_message_calls_failed_total", "call", "sync");
    }

    /**
     * A request with both timeouts. Vert.x's single {@code timeout} also bounds the wait for a pooled connection: in a
     * reconnect storm queued calls expired before they were sent, and went to the back of the queue when retried.
     */
    private <T> HttpRequest<T> timed(HttpRequest<T> request) {
        return request.connectTimeout(queueMillis).idleTimeout(answerMillis);
    }

    /** Every room of the user with its member ids. */
    /** @param authorization the user's {@code Authorization} header value, {@code "Bearer <token>"} */
    public Uni<Map<String, List<String>>> memberships(String authorization) {
        return timed(client.get(port, host, "/api/rooms/memberships")).putHeader("Authorization", authorization).send()
                .onFailure().invoke(() -> membershipsFailed.increment())
                .map(r -> {
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("memberships answered " + r.statusCode());
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, List<String>> map = (Map<String, List<String>>) (Map<?, ?>) r.bodyAsJsonObject().getMap();
                    return map;
                });
    }

    /** The sync answer: {rooms: {id: {messages, complete}}}, or the service's error status and body. */
    public Uni<Result> sync(String authorization, Map<String, Long> rooms) {
        return timed(client.post(port, host, "/api/sync")).putHeader("Authorization", authorization)
                .sendJsonObject(new JsonObject().put("rooms", new JsonObject((Map<String, Object>) (Map<?, ?>) rooms)))
                .onFailure().invoke(() -> syncFailed.increment())
                .map(r -> {
                    try {
                        return new Result(r.statusCode(), Frames.JSON.readTree(r.bodyAsString()));
                    } catch (Exception e) {
                        throw new IllegalStateException("unreadable answer from message-service");
                    }
                });
    }

    public record Result(int status, JsonNode body) {
    }

}

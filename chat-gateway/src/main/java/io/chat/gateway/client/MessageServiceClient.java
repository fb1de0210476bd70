package io.chat.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.gateway.config.GatewayConfig;
import io.chat.gateway.ws.Frames;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
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

    private WebClient client;
    private String host;
    private int port;

    @PostConstruct
    void init() {
        URI uri = URI.create(config.services().message());
        host = uri.getHost();
        port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        client = WebClient.create(vertx, new WebClientOptions().setMaxPoolSize(50).setKeepAlive(true));
    }

    /**
     * Every room of the user with its member ids. The timeout is generous: in a reconnect storm these calls queue,
     * and giving up on one that message-service is about to answer only makes the caller ask again.
     */
    public Uni<Map<String, List<String>>> memberships(String token) {
        return client.get(port, host, "/api/rooms/memberships").putHeader("Authorization", "Bearer " + token).timeout(10_000).send()
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
    public Uni<Result> sync(String token, Map<String, Long> rooms) {
        return client.post(port, host, "/api/sync").putHeader("Authorization", "Bearer " + token).timeout(10_000)
                .sendJsonObject(new JsonObject().put("rooms", new JsonObject((Map<String, Object>) (Map<?, ?>) rooms)))
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

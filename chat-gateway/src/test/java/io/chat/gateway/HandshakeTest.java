package io.chat.gateway;

import io.chat.testsupport.TestTokens;
import io.chat.testsupport.TokenAttacks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upgrade is refused before any socket exists: forged tokens, query tokens, foreign origins. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class HandshakeTest {
    @TestHTTPResource("/ws")
    URI http;

    URI ws(String query) {
        return URI.create(http.toString().replaceFirst("^http", "ws") + (query == null ? "" : "?" + query));
    }

    static int refusal(WebSocket.Builder builder, URI uri) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> builder.buildAsync(uri, new WebSocket.Listener() { }).join());
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
        return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }

    @Test
    void everyForgedOrInvalidTokenIsRefusedWith401() {
        HttpClient client = HttpClient.newHttpClient();
        Map<String, String> attacks = TokenAttacks.all(UUID.randomUUID().toString());
        assertTrue(attacks.size() >= 8);
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            assertEquals(401, refusal(client.newWebSocketBuilder().header("Authorization", "Bearer " + attack.getValue()), ws(null)),
                    attack.getKey());
        }
        assertEquals(401, refusal(client.newWebSocketBuilder(), ws(null)), "no token at all");
    }

    @Test
    void tokenInTheQueryStringIsRefused() {
        String token = TestTokens.forUser(UUID.randomUUID().toString());
        HttpClient client = HttpClient.newHttpClient();
        assertEquals(401, refusal(client.newWebSocketBuilder(), ws("access_token=" + token)));
        // even next to a valid header: a token in a URL has leaked already
        assertEquals(401, refusal(client.newWebSocketBuilder().header("Authorization", "Bearer " + token), ws("token=" + token)));
    }

    @Test
    void browsersTokenInTheSubprotocolIsVerifiedLikeTheHeader() {
        HttpClient client = HttpClient.newHttpClient();
        String token = TestTokens.forUser(UUID.randomUUID().toString());
        WebSocket socket = client.newWebSocketBuilder()
                .subprotocols("chat.v1", "quarkus-http-upgrade#Authorization#Bearer%20" + token)
                .buildAsync(ws(null), new WebSocket.Listener() { }).join();
        try {
            assertEquals("chat.v1", socket.getSubprotocol());
        } finally {
            socket.abort();
        }
        String expired = TokenAttacks.all(UUID.randomUUID().toString()).get("expired");
        assertEquals(401, refusal(client.newWebSocketBuilder()
                .subprotocols("chat.v1", "quarkus-http-upgrade#Authorization#Bearer%20" + expired), ws(null)), "expired");
        assertEquals(401, refusal(client.newWebSocketBuilder().header("Authorization", "Basic " + token), ws(null)),
                "not a bearer token");
        // the header is forwarded as it is: nothing but the token itself after the scheme
        assertEquals(401, refusal(client.newWebSocketBuilder().header("Authorization", "Bearer  " + token), ws(null)),
                "two spaces");
        assertEquals(401, refusal(client.newWebSocketBuilder()
                .subprotocols("chat.v1", "quarkus-http-upgrade#Authorization#Bearer%20" + token + "%20"), ws(null)),
                "trailing space");
    }

    @Test
    void foreignOriginIsRefusedWith403() {
        String token = TestTokens.forUser(UUID.randomUUID().toString());
        assertEquals(403, refusal(HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .header("Origin", "https://evil.example"), ws(null)));
    }

    @Test
    void corsAllowsOnlyConfiguredOriginsAndUnknownApiPathsAnswerInTheErrorFormat() {
        given().header("Origin", "http://localhost:8080").header("Access-Control-Request-Method", "POST")
                .options("/api/rooms").then().header("Access-Control-Allow-Origin", equalTo("http://localhost:8080"));
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/api/rooms").then().header("Access-Control-Allow-Origin", nullValue());
        given().get("/api/nothing-here").then().statusCode(404).body("code", equalTo("not_found"))
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
    }
}

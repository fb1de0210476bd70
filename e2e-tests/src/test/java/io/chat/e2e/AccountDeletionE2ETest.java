package io.chat.e2e;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After an account is deleted, its access token — still unexpired — is refused everywhere: the open
 * socket closes with 4001, a new handshake gets 401, and every service's REST answers 401.
 */
class AccountDeletionE2ETest {

    @Test
    void aDeletedUsersUnexpiredTokenIsRefusedByEveryService() throws Exception {
        Chat.User leaver = Chat.newUser("del_leaver");
        Chat.User friend = Chat.newUser("del_friend");
        Chat.post(leaver, "/api/rooms", Map.of("kind", "direct", "members", List.of(friend.userId()))).then().statusCode(201);
        String token = leaver.accessToken();
        // before: every service accepts the token
        for (String path : protectedPaths(friend)) {
            assertEquals(200, given().auth().oauth2(token).get(Chat.HTTP + path).statusCode(), path);
        }
        try (WsClient open = WsClient.withHeader(Chat.WS, token)) {
            open.awaitType("hello", java.time.Duration.ofSeconds(20));
            given().auth().oauth2(token).contentType("application/json").body(Map.of("password", leaver.password()))
                    .delete(Chat.HTTP + "/api/users/me").then().statusCode(204);
            assertEquals(4001, open.closed.get(20, TimeUnit.SECONDS), "the open socket is closed");
        }
        // after: each service learns of the deletion from user.events and refuses the same token
        for (String path : protectedPaths(friend)) {
            awaitStatus(401, () -> given().auth().oauth2(token).get(Chat.HTTP + path).statusCode(), path);
        }
        awaitStatus(401, () -> handshake(token), "a new WebSocket handshake");
    }

    static List<String> protectedPaths(Chat.User friend) {
        return List.of("/api/users/me", "/api/rooms", "/api/presence?users=" + friend.userId(), "/api/notifications");
    }

    static int handshake(String token) {
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(Chat.WS), new WebSocket.Listener() { }).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            return e.getCause() instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1;
        }
    }

    static void awaitStatus(int expected, java.util.function.IntSupplier status, String what) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        int last;
        do {
            last = status.getAsInt();
            if (last == expected) {
                return;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < until);
        assertTrue(false, what + ": expected " + expected + " within 20 s, last answer " + last);
    }
}

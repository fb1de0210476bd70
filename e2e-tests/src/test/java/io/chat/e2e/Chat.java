package io.chat.e2e;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** The running system as a client sees it: one gateway origin (scripts/test.sh passes its URL). */
public final class Chat {
    public static final String HTTP = System.getenv().getOrDefault("CHAT_GATEWAY_URL", "http://127.0.0.1:18080");
    public static final String WS = HTTP.replaceFirst("^http", "ws") + "/ws";
    public static final String ORIGIN = HTTP.replace("127.0.0.1", "localhost");

    public record User(String username, String userId, String accessToken, String refreshToken, String password) {
    }

    private Chat() {
    }

    /** Registers and logs in a fresh user through the gateway. */
    public static User newUser(String prefix) {
        String username = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
        String password = "pw-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password, "displayName", prefix))
                .post(HTTP + "/api/auth/register").then().statusCode(201);
        return login(username, password);
    }

    /** Another login session of the same account. */
    public static User login(User user) {
        return login(user.username(), user.password());
    }

    static User login(String username, String password) {
        Response login = given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .post(HTTP + "/api/auth/login");
        login.then().statusCode(200);
        return new User(username, login.path("userId"), login.path("accessToken"), login.path("refreshToken"), password);
    }

    public static Response post(User user, String path, Object body) {
        return given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(body).post(HTTP + path);
    }

    public static Response get(User user, String path) {
        return given().auth().oauth2(user.accessToken()).get(HTTP + path);
    }
}

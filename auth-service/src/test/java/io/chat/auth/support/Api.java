package io.chat.auth.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small REST helpers shared by the auth-service tests. */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Api() {
    }

    public static String uniqueName(String prefix) {
        return (prefix + "-" + UUID.randomUUID().toString().replace("-", "")).substring(0, 24);
    }

    public static String password() {
        return "pw-" + UUID.randomUUID();
    }

    public static Response register(String username, String password, String... displayNameAndEmail) {
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("password", password);
        if (displayNameAndEmail.length > 0) {
            body.put("displayName", displayNameAndEmail[0]);
        }
        if (displayNameAndEmail.length > 1) {
            body.put("email", displayNameAndEmail[1]);
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/auth/register");
    }

    public static String registered(String username, String password) {
        return register(username, password).then().statusCode(201).extract().path("userId");
    }

    public static Response login(String username, String password, String forwardedFor) {
        var req = given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password));
        if (forwardedFor != null) {
            req = req.header("X-Forwarded-For", forwardedFor);
        }
        return req.post("/api/auth/login");
    }

    /** {accessToken, refreshToken, ...} of a successful login. */
    public static Map<String, Object> tokens(String username, String password) {
        return login(username, password, null).then().statusCode(200).extract().jsonPath().getMap("");
    }

    public static Response refresh(String refreshToken) {
        return given().contentType(ContentType.JSON).body(Map.of("refreshToken", refreshToken))
                .post("/api/auth/refresh");
    }

    public static Response me(String accessToken) {
        return given().header("Authorization", "Bearer " + accessToken).get("/api/users/me");
    }

    public static JsonNode claims(String jwt) {
        return part(jwt, 1);
    }

    public static JsonNode header(String jwt) {
        return part(jwt, 0);
    }

    private static JsonNode part(String jwt, int i) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[i]));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * X-Forwarded-For with a random first hop from the IPv6 documentation range (RFC 3849), so per-address counting
     * never mixes tests or test runs.
     */
    public static String randomAddress() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("2001:db8:%x:%x::%x, 10.0.0.1", r.nextInt(0x10000), r.nextInt(0x10000),
                r.nextInt(1, 0x10000));
    }
}

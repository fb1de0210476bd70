package io.chat.auth;

import io.chat.auth.service.SigningKeys;
import io.chat.auth.support.Api;
import io.chat.auth.support.TestSigningKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the {@link TokenForgery} catalogue against auth-service's protected {@code GET /api/users/me}. */
@QuarkusTest
@QuarkusTestResource(TestSigningKeys.class)
class TokenAttackTest {

    @Test
    void everyForgedTokenIsRefusedWith401() throws Exception {
        String name = Api.uniqueName("atk");
        String pw = Api.password();
        Api.registered(name, pw);
        String genuine = (String) Api.tokens(name, pw).get("accessToken");
        Api.me(genuine).then().statusCode(200); // the baseline works, so each refusal below is the forgery's doing

        String kid = SigningKeys.thumbprint((ECPublicKey) TestSigningKeys.current.getPublic());
        String jwks = given().get("/api/auth/jwks").asString();
        TokenForgery forgery = new TokenForgery(genuine, TestSigningKeys.current.getPrivate(), kid, jwks);
        // sanity: the forger's correctly-signed copy of the genuine claims is accepted
        Api.me(forgery.signed(c -> { })).then().statusCode(200);

        Map<String, String> catalogue = forgery.catalogue(TestSigningKeys.generate().getPrivate());
        List<String> accepted = new ArrayList<>();
        for (Map.Entry<String, String> attack : catalogue.entrySet()) {
            int status = Api.me(attack.getValue()).then().extract().statusCode();
            if (status != 401) {
                accepted.add(attack.getKey() + " -> " + status);
            } else {
                Api.me(attack.getValue()).then().body("code", equalTo("unauthorized"));
            }
        }
        assertTrue(accepted.isEmpty(), "forgeries not refused with 401: " + accepted);
        assertTrue(catalogue.size() >= 15);
    }

    @Test
    void tokenInTheQueryStringIsRefused() {
        String name = Api.uniqueName("qs");
        String pw = Api.password();
        Api.registered(name, pw);
        String genuine = (String) Api.tokens(name, pw).get("accessToken");
        given().queryParam("access_token", genuine).get("/api/users/me").then().statusCode(401)
                .body("code", equalTo("unauthorized"));
        // even next to a valid header: a token in the URL is never accepted silently
        given().header("Authorization", "Bearer " + genuine).queryParam("access_token", genuine)
                .get("/api/users/me").then().statusCode(401);
    }

    @Test
    void tokenOfADeletedUserIsRefusedAfterDeletion() throws Exception {
        String name = Api.uniqueName("gone");
        String pw = Api.password();
        String userId = Api.registered(name, pw);
        String genuine = (String) Api.tokens(name, pw).get("accessToken");
        Api.me(genuine).then().statusCode(200);
        given().header("Authorization", "Bearer " + genuine).contentType(ContentType.JSON)
                .body(Map.of("password", pw)).delete("/api/users/me").then().statusCode(204);

        Api.me(genuine).then().statusCode(401).body("code", equalTo("unauthorized"));
        // a perfectly signed, unexpired token for the erased id (new session id) is refused by the tombstone
        String kid = SigningKeys.thumbprint((ECPublicKey) TestSigningKeys.current.getPublic());
        String fresh = new TokenForgery(genuine, TestSigningKeys.current.getPrivate(), kid,
                given().get("/api/auth/jwks").asString()).signed(c -> c.put("sid", UUID.randomUUID().toString()));
        assertEquals(userId, Api.claims(fresh).get("sub").asText());
        Api.me(fresh).then().statusCode(401);
        given().header("Authorization", "Bearer " + genuine).post("/api/auth/logout").then().statusCode(401);
    }

    @Test
    void missingOrMalformedAuthorizationIsRefused() {
        given().get("/api/users/me").then().statusCode(401).body("code", equalTo("unauthorized"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/users/me").then().statusCode(401);
        given().header("Authorization", "Bearer ").get("/api/users/me").then().statusCode(401);
    }
}

package io.chat.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.auth.service.SigningKeys;
import io.chat.auth.support.Api;
import io.chat.auth.support.TestSigningKeys;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Topics;
import io.chat.testsupport.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.chat.auth.support.Api.claims;
import static io.chat.auth.support.Api.header;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Priority-1 path: register, login (ES256), JWKS, refresh with rotation and reuse detection, logout, me, events. */
@QuarkusTest
@QuarkusTestResource(TestSigningKeys.class)
class AuthFlowTest {
    static KafkaTestClient kafka;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(Topics.USER_EVENTS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void registerLoginMeRefreshLogout() throws Exception {
        String name = Api.uniqueName("flow");
        String pw = Api.password();
        String userId = Api.register(name.toUpperCase(), pw, "Flow Tester", "flow@example.org").then()
                .statusCode(201).body("userId", notNullValue()).extract().path("userId");

        Envelope registered = kafka.await(Duration.ofSeconds(15),
                e -> e.type().equals(EventTypes.USER_REGISTERED) && userId.equals(e.payload().path("userId").asText()));
        assertEquals(name, registered.payload().get("username").asText(), "stored lower-case");
        assertEquals("Flow Tester", registered.payload().get("displayName").asText());
        assertEquals("flow@example.org", registered.payload().get("email").asText());
        assertEquals(Envelope.VERSION, registered.version());

        Map<String, Object> t = Api.login(name, pw, null).then().statusCode(200)
                .body("tokenType", equalTo("Bearer")).body("expiresIn", equalTo(900))
                .body("userId", equalTo(userId)).extract().jsonPath().getMap("");
        String access = (String) t.get("accessToken");
        JsonNode h = header(access);
        JsonNode c = claims(access);
        assertEquals("ES256", h.get("alg").asText());
        assertEquals(SigningKeys.thumbprint((ECPublicKey) TestSigningKeys.current.getPublic()), h.get("kid").asText());
        assertEquals("chat-auth", c.get("iss").asText());
        assertEquals("chat", c.path("aud").isArray() ? c.get("aud").get(0).asText() : c.get("aud").asText());
        assertEquals(userId, c.get("sub").asText());
        assertEquals(name, c.get("preferred_username").asText());
        assertEquals("[\"user\"]", c.get("groups").toString());
        assertEquals(900, c.get("exp").asLong() - c.get("iat").asLong());
        assertTrue(c.hasNonNull("jti"));
        String sid = c.get("sid").asText();

        Api.me(access).then().statusCode(200).body("userId", equalTo(userId)).body("username", equalTo(name))
                .body("displayName", equalTo("Flow Tester")).body("roles", equalTo(List.of("user")))
                .body("$", org.hamcrest.Matchers.not(hasKey("passwordHash")));

        Map<String, Object> t2 = Api.refresh((String) t.get("refreshToken")).then().statusCode(200)
                .body("tokenType", equalTo("Bearer")).extract().jsonPath().getMap("");
        assertNotEquals(t.get("refreshToken"), t2.get("refreshToken"), "rotated");
        String access2 = (String) t2.get("accessToken");
        assertEquals(sid, claims(access2).get("sid").asText(), "same session after refresh");
        Api.me(access2).then().statusCode(200);

        given().header("Authorization", "Bearer " + access2).post("/api/auth/logout").then().statusCode(204);
        Envelope revoked = kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.USER_SESSIONS_REVOKED)
                && userId.equals(e.payload().path("userId").asText()));
        assertEquals(sid, revoked.payload().get("sessionId").asText());
        Api.refresh((String) t2.get("refreshToken")).then().statusCode(401).body("code", equalTo("unauthorized"));
        Api.me(access2).then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    @Test
    void logoutAlsoEndsTheFamilyOfAGivenRefreshToken() {
        String name = Api.uniqueName("lo");
        String pw = Api.password();
        Api.registered(name, pw);
        Map<String, Object> a = Api.tokens(name, pw);
        Map<String, Object> b = Api.tokens(name, pw);
        given().header("Authorization", "Bearer " + a.get("accessToken")).contentType(ContentType.JSON)
                .body(Map.of("refreshToken", b.get("refreshToken"))).post("/api/auth/logout").then().statusCode(204);
        Api.refresh((String) a.get("refreshToken")).then().statusCode(401);
        Api.refresh((String) b.get("refreshToken")).then().statusCode(401);
        given().post("/api/auth/logout").then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    @Test
    void registrationIsValidatedAndNothingIsStoredOnError() {
        String name = Api.uniqueName("val");
        Api.register(name, "short", "", "not-an-email").then().statusCode(400)
                .body("type", equalTo("error")).body("code", equalTo("bad_request"))
                .body("details.password", notNullValue()).body("details.displayName", notNullValue())
                .body("details.email", notNullValue());
        Api.register("a!", Api.password()).then().statusCode(400).body("details.username", notNullValue());
        Api.register("ab", Api.password()).then().statusCode(400).body("details.username", notNullValue());
        Api.register("x".repeat(33), Api.password()).then().statusCode(400).body("details.username", notNullValue());
        given().contentType(ContentType.JSON).body("{not json").post("/api/auth/register").then().statusCode(400)
                .body("code", equalTo("bad_request"));
        // the failed attempt stored nothing: the name is still free, once, case-insensitively
        String pw = Api.password();
        Api.register(name, pw).then().statusCode(201);
        Api.register(name.toUpperCase(), Api.password()).then().statusCode(409).body("code", equalTo("conflict"));
        Api.login(name.toUpperCase(), pw, null).then().statusCode(200);
    }

    @Test
    void jwksPublishesCurrentAndPreviousPublicKeysOnly() throws Exception {
        String body = given().get("/api/auth/jwks").then().statusCode(200)
                .header("Cache-Control", containsString("max-age=300")).extract().asString();
        JsonNode keys = Api.JSON.readTree(body).get("keys");
        List<String> kids = new ArrayList<>();
        for (JsonNode k : keys) {
            kids.add(k.get("kid").asText());
            assertEquals("EC", k.get("kty").asText());
            assertEquals("P-256", k.get("crv").asText());
            assertEquals("ES256", k.get("alg").asText());
            assertFalse(k.has("d"), "no private part");
        }
        assertEquals(List.of(SigningKeys.thumbprint((ECPublicKey) TestSigningKeys.current.getPublic()),
                SigningKeys.thumbprint((ECPublicKey) TestSigningKeys.previous.getPublic())), kids);
    }

    @Test
    void tokensSignedWithThePreviousKeyStillVerifyAfterRotation() throws Exception {
        String name = Api.uniqueName("rot");
        String pw = Api.password();
        Api.registered(name, pw);
        String access = (String) Api.tokens(name, pw).get("accessToken");
        // the same token as the service issued it before the rotation, i.e. signed with the now previous key
        String kidPrev = SigningKeys.thumbprint((ECPublicKey) TestSigningKeys.previous.getPublic());
        String jwks = given().get("/api/auth/jwks").asString();
        String old = new TokenForgery(access, TestSigningKeys.previous.getPrivate(), kidPrev, jwks).signed(c -> { });
        assertEquals(kidPrev, header(old).get("kid").asText());
        Api.me(old).then().statusCode(200).body("username", equalTo(name));
        // and a token of the previous key is still checked as strictly as any other (here: expired)
        long now = System.currentTimeMillis() / 1000;
        String oldExpired = new TokenForgery(access, TestSigningKeys.previous.getPrivate(), kidPrev, jwks)
                .signed(c -> {
                    c.put("iat", now - 1000);
                    c.put("exp", now - 100);
                });
        Api.me(oldExpired).then().statusCode(401);
    }

    @Test
    void reusingARotatedRefreshTokenRevokesTheWholeFamily() {
        String name = Api.uniqueName("reuse");
        String pw = Api.password();
        String userId = Api.registered(name, pw);
        Map<String, Object> t1 = Api.tokens(name, pw);
        String sid = claims((String) t1.get("accessToken")).get("sid").asText();
        Map<String, Object> t2 = Api.refresh((String) t1.get("refreshToken")).then().statusCode(200).extract()
                .jsonPath().getMap("");
        // the thief replays the first token: refused, and the legitimate successor dies with the family
        Api.refresh((String) t1.get("refreshToken")).then().statusCode(401).body("code", equalTo("unauthorized"));
        Api.refresh((String) t2.get("refreshToken")).then().statusCode(401);
        Api.me((String) t2.get("accessToken")).then().statusCode(401);
        Envelope revoked = kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.USER_SESSIONS_REVOKED)
                && userId.equals(e.payload().path("userId").asText()));
        assertEquals(sid, revoked.payload().get("sessionId").asText());
        // other sessions of the user are untouched
        Map<String, Object> other = Api.tokens(name, pw);
        Api.refresh((String) other.get("refreshToken")).then().statusCode(200);
        Api.refresh("never-issued").then().statusCode(401);
    }

    @Test
    void healthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItems(
                        containsString("Reactive PostgreSQL"), containsString("Redis"), containsString("Kafka connection")));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200);
        String name = Api.uniqueName("met");
        String pw = Api.password();
        Api.registered(name, pw);
        Api.tokens(name, pw);
        given().get("/q/metrics").then().statusCode(200).body(containsString("chat_auth_logins_total"))
                .body(containsString("chat_auth_registrations_total"));
    }
}

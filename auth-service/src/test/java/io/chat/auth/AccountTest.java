package io.chat.auth;

import io.chat.auth.support.Api;
import io.chat.auth.support.TestSigningKeys;
import io.chat.contracts.Envelope;
import io.chat.contracts.EventTypes;
import io.chat.contracts.Topics;
import io.chat.testsupport.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.chat.auth.support.Api.claims;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Profile, directory, password change, export, erasure and roles. */
@QuarkusTest
@QuarkusTestResource(TestSigningKeys.class)
class AccountTest {
    /** Listed in %test.chat.auth.bootstrap-admins. */
    static final String BOOT_ADMIN = "root-admin-test";
    static KafkaTestClient kafka;

    @Inject
    Pool pool;

    @BeforeAll
    static void kafka() {
        kafka = new KafkaTestClient(Topics.USER_EVENTS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static RequestSpecification as(String accessToken) {
        // a fresh client address per request: wrong-password checks below must not add up for 127.0.0.1
        return given().header("Authorization", "Bearer " + accessToken).header("X-Forwarded-For", Api.randomAddress())
                .contentType(ContentType.JSON);
    }

    @Test
    void profileCanBeReadAndPatchedButRolesCannot() {
        String name = Api.uniqueName("prof");
        String pw = Api.password();
        String userId = Api.registered(name, pw);
        String access = (String) Api.tokens(name, pw).get("accessToken");

        as(access).body(Map.of("displayName", "Ada L.", "timeZone", "Europe/Berlin",
                "avatarUrl", "https://cdn.example.org/a.png", "email", "ada@example.org"))
                .patch("/api/users/me").then().statusCode(200).body("displayName", equalTo("Ada L."))
                .body("timeZone", equalTo("Europe/Berlin")).body("email", equalTo("ada@example.org"));
        Envelope updated = kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.USER_UPDATED)
                && userId.equals(e.payload().path("userId").asText()));
        assertEquals("Ada L.", updated.payload().get("displayName").asText());
        assertEquals("Europe/Berlin", updated.payload().get("timeZone").asText());
        assertEquals(name, updated.payload().get("username").asText());

        // no mass assignment: roles and username are not patchable, and nothing is applied on error
        as(access).body(Map.of("displayName", "Evil", "roles", List.of("admin"), "username", "root"))
                .patch("/api/users/me").then().statusCode(400).body("code", equalTo("bad_request"))
                .body("details.roles", notNullValue()).body("details.username", notNullValue());
        as(access).body(Map.of("timeZone", "Mars/Olympus")).patch("/api/users/me").then().statusCode(400)
                .body("details.timeZone", notNullValue());
        as(access).body("{\"avatarUrl\":\"javascript:alert(1)\",\"email\":\"nope\"}").patch("/api/users/me").then()
                .statusCode(400).body("details.avatarUrl", notNullValue()).body("details.email", notNullValue());
        Api.me(access).then().statusCode(200).body("displayName", equalTo("Ada L."))
                .body("timeZone", equalTo("Europe/Berlin")).body("roles", equalTo(List.of("user")));
        // null clears a field
        as(access).body("{\"avatarUrl\":null}").patch("/api/users/me").then().statusCode(200)
                .body("avatarUrl", nullValue());
    }

    @Test
    void directorySearchIsCursorPagedWithAHardLimit() {
        String prefix = "dir" + Long.toString(System.nanoTime(), 36);
        String pw = Api.password();
        for (String s : List.of("a", "b", "c")) {
            Api.registered(prefix + "-" + s, pw);
        }
        String access = (String) Api.tokens(prefix + "-a", pw).get("accessToken");
        // the test profile caps pages at 2: asking for 1000 yields 2 and a cursor
        var first = as(access).queryParam("q", prefix).queryParam("limit", 1000).get("/api/users").then()
                .statusCode(200).body("items", hasSize(2)).body("items[0].username", equalTo(prefix + "-a"))
                .body("items[0].userId", notNullValue()).body("items[0]", not(org.hamcrest.Matchers.hasKey("email")))
                .body("next", notNullValue()).extract();
        as(access).queryParam("q", prefix.toUpperCase()).queryParam("cursor", (String) first.path("next"))
                .get("/api/users").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].username", equalTo(prefix + "-c")).body("next", nullValue());
        as(access).get("/api/users").then().statusCode(400).body("details.q", notNullValue());
        as(access).queryParam("q", "%").get("/api/users").then().statusCode(200).body("items", hasSize(0));
        given().queryParam("q", prefix).get("/api/users").then().statusCode(401);
    }

    @Test
    void passwordChangeRevokesEverySessionAndIssuesAFreshOne() {
        String name = Api.uniqueName("pwc");
        String pw = Api.password();
        String userId = Api.registered(name, pw);
        Map<String, Object> s1 = Api.tokens(name, pw);
        Map<String, Object> s2 = Api.tokens(name, pw);
        String newPw = Api.password();

        as((String) s1.get("accessToken")).body(Map.of("currentPassword", "wrong-password", "newPassword", newPw))
                .post("/api/users/me/password").then().statusCode(403).body("code", equalTo("forbidden"));
        as((String) s1.get("accessToken")).body(Map.of("currentPassword", pw, "newPassword", "short"))
                .post("/api/users/me/password").then().statusCode(400).body("details.newPassword", notNullValue());
        Map<String, Object> fresh = as((String) s1.get("accessToken"))
                .body(Map.of("currentPassword", pw, "newPassword", newPw)).post("/api/users/me/password").then()
                .statusCode(200).body("tokenType", equalTo("Bearer")).extract().jsonPath().getMap("");

        Envelope revoked = kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.USER_SESSIONS_REVOKED)
                && userId.equals(e.payload().path("userId").asText()));
        assertFalse(revoked.payload().has("sessionId"), "every session: no sessionId");
        for (Map<String, Object> old : List.of(s1, s2)) {
            Api.refresh((String) old.get("refreshToken")).then().statusCode(401);
            Api.me((String) old.get("accessToken")).then().statusCode(401);
        }
        Api.me((String) fresh.get("accessToken")).then().statusCode(200);
        Api.refresh((String) fresh.get("refreshToken")).then().statusCode(200);
        Api.login(name, pw, Api.randomAddress()).then().statusCode(401);
        Api.login(name, newPw, null).then().statusCode(200);
    }

    @Test
    void exportHoldsTheAccountAndSessionsButNoSecrets() {
        String name = Api.uniqueName("exp");
        String pw = Api.password();
        String userId = Api.registered(name, pw);
        Map<String, Object> t = Api.tokens(name, pw);
        String body = as((String) t.get("accessToken")).get("/api/users/me/export").then().statusCode(200)
                .body("service", equalTo("auth-service")).body("account.userId", equalTo(userId))
                .body("account.username", equalTo(name)).body("sessions", hasSize(1))
                .body("sessions[0].sessionId", equalTo(claims((String) t.get("accessToken")).get("sid").asText()))
                .body("passwordChangedAt", notNullValue()).extract().asString();
        assertFalse(body.contains("argon2"), "no password hash");
        assertFalse(body.contains((String) t.get("refreshToken")), "no refresh token");
    }

    @Test
    void deletionNeedsThePasswordErasesTheAccountAndPublishes() {
        String name = Api.uniqueName("del");
        String pw = Api.password();
        String userId = Api.registered(name, pw);
        Map<String, Object> t = Api.tokens(name, pw);
        String access = (String) t.get("accessToken");

        as(access).delete("/api/users/me").then().statusCode(400).body("details.password", notNullValue());
        as(access).body(Map.of("password", "wrong-password")).delete("/api/users/me").then().statusCode(403);
        Api.me(access).then().statusCode(200);
        as(access).body(Map.of("password", pw)).delete("/api/users/me").then().statusCode(204);

        kafka.await(Duration.ofSeconds(15), e -> e.type().equals(EventTypes.USER_DELETED)
                && userId.equals(e.payload().path("userId").asText()));
        Api.me(access).then().statusCode(401);
        Api.refresh((String) t.get("refreshToken")).then().statusCode(401);
        Api.login(name, pw, Api.randomAddress()).then().statusCode(401);
        long rows = pool.preparedQuery("SELECT count(*) FROM sessions s WHERE s.user_id = $1")
                .executeAndAwait(io.vertx.mutiny.sqlclient.Tuple.of(java.util.UUID.fromString(userId)))
                .iterator().next().getLong(0);
        assertEquals(0, rows, "sessions and refresh tokens are gone");
        // the name is free again, for a new account with a new id
        assertNotEquals(userId, Api.registered(name, Api.password()));
    }

    @Test
    void adminGrantsAndRevokesStaffAndNobodyChangesTheirOwnRoles() {
        pool.preparedQuery("DELETE FROM users WHERE username = $1")
                .executeAndAwait(io.vertx.mutiny.sqlclient.Tuple.of(BOOT_ADMIN)); // fresh admin every run
        String adminPw = Api.password();
        String adminId = Api.registered(BOOT_ADMIN, adminPw);
        String admin = (String) Api.tokens(BOOT_ADMIN, adminPw).get("accessToken");
        assertTrue(claims(admin).get("groups").toString().contains("admin"));

        String name = Api.uniqueName("staff");
        String pw = Api.password();
        String userId = Api.registered(name, pw);
        Map<String, Object> user = Api.tokens(name, pw);
        String userAccess = (String) user.get("accessToken");

        // a user cannot grant itself (or anyone) a role
        as(userAccess).put("/api/admin/users/" + userId + "/roles/staff").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        as(admin).put("/api/admin/users/" + adminId + "/roles/staff").then().statusCode(403);
        as(admin).put("/api/admin/users/" + java.util.UUID.randomUUID() + "/roles/staff").then().statusCode(404)
                .body("code", equalTo("not_found"));

        as(admin).put("/api/admin/users/" + userId + "/roles/staff").then().statusCode(204);
        Map<String, Object> refreshed = Api.refresh((String) user.get("refreshToken")).then().statusCode(200)
                .extract().jsonPath().getMap("");
        assertTrue(claims((String) refreshed.get("accessToken")).get("groups").toString().contains("staff"));
        Api.me((String) refreshed.get("accessToken")).then().body("roles", equalTo(List.of("user", "staff")));

        as(admin).delete("/api/admin/users/" + userId + "/roles/staff").then().statusCode(204);
        // revocation ends the sessions whose tokens still say staff
        Api.refresh((String) refreshed.get("refreshToken")).then().statusCode(401);
        String after = (String) Api.tokens(name, pw).get("accessToken");
        assertEquals("[\"user\"]", claims(after).get("groups").toString());
        given().get("/q/metrics").then().body(containsString("chat_auth_role_changes_total"));
    }
}

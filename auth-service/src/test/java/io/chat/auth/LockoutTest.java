package io.chat.auth;

import io.chat.auth.support.Api;
import io.chat.auth.support.TestSigningKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Brute force and enumeration. The test profile locks for 2 s (doubling, max 8 s) after 5 failures and refuses an
 * address after 10; each test uses its own client address through X-Forwarded-For (loopback is a trusted proxy).
 */
@QuarkusTest
@QuarkusTestResource(TestSigningKeys.class)
class LockoutTest {

    @Test
    void fiveFailuresLockTheAccountAndTheRightPasswordWorksAfterTheBackOff() throws Exception {
        String name = Api.uniqueName("lock");
        String pw = Api.password();
        Api.registered(name, pw);
        String ip = Api.randomAddress();
        for (int i = 0; i < 5; i++) {
            Api.login(name, "wrong-password-" + i, ip).then().statusCode(401);
        }
        // locked: even the right password is refused, without being checked
        Response locked = Api.login(name, pw, ip);
        locked.then().statusCode(429).body("code", equalTo("rate_limited")).body("retryable", equalTo(true));
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        // the lock is per account, not per address
        Api.login(name, pw, Api.randomAddress()).then().statusCode(429);

        Thread.sleep(retryAfter * 1000 + 300);
        Api.login(name, pw, ip).then().statusCode(200);
        // success reset the count: one more failure does not lock again
        Api.login(name, "wrong-again", ip).then().statusCode(401);
        Api.login(name, pw, ip).then().statusCode(200);
    }

    @Test
    void eachFurtherFailureDoublesTheLock() throws Exception {
        String name = Api.uniqueName("dbl");
        String pw = Api.password();
        Api.registered(name, pw);
        String ip = Api.randomAddress();
        for (int i = 0; i < 5; i++) {
            Api.login(name, "wrong-password", ip).then().statusCode(401);
        }
        long first = Long.parseLong(Api.login(name, pw, ip).then().statusCode(429).extract().header("Retry-After"));
        Thread.sleep(first * 1000 + 300);
        Api.login(name, "wrong-password", ip).then().statusCode(401); // sixth failure: 4 s
        long second = Long.parseLong(Api.login(name, pw, ip).then().statusCode(429).extract().header("Retry-After"));
        assertTrue(second >= 3 && second <= 4, "doubled lock, Retry-After " + second);
        Thread.sleep(second * 1000 + 300);
        Api.login(name, pw, ip).then().statusCode(200);
    }

    @Test
    void unknownUserAndWrongPasswordLookTheSame() {
        String name = Api.uniqueName("enum");
        String pw = Api.password();
        Api.registered(name, pw);
        String ip = Api.randomAddress();
        String unknown = Api.uniqueName("nobody");
        Response wrongPw = Api.login(name, "wrong-password", ip);
        Response noUser = Api.login(unknown, "wrong-password", ip);
        wrongPw.then().statusCode(401);
        noUser.then().statusCode(401);
        assertEquals(withoutTs(wrongPw.asString()), withoutTs(noUser.asString()));

        // similar time: both verify one Argon2id hash (medians of a few tries, generous bounds for a shared machine)
        long[] a = new long[3];
        long[] b = new long[3];
        for (int i = 0; i < 3; i++) {
            a[i] = timed(name, ip);
            b[i] = timed(unknown, ip);
        }
        long ma = median(a);
        long mb = median(b);
        assertTrue(mb * 3 >= ma && ma * 3 >= mb, "timing differs: existing " + ma + " ms, unknown " + mb + " ms");
        assertTrue(mb >= 10, "an unknown user must cost a hash too, took " + mb + " ms");

        // lockout does not reveal existence either: an unknown name is locked after 5 failures just the same
        String ip2 = Api.randomAddress();
        String unknown2 = Api.uniqueName("nobody");
        for (int i = 0; i < 5; i++) {
            Api.login(unknown2, "wrong-password", ip2).then().statusCode(401);
        }
        Api.login(unknown2, "wrong-password", ip2).then().statusCode(429);
        System.out.printf("login timing: existing %d ms, unknown %d ms%n", ma, mb);
    }

    @Test
    void anAddressWithTooManyFailuresIsRefused() {
        String ip = Api.randomAddress();
        for (int i = 0; i < 10; i++) {
            Api.login(Api.uniqueName("spray"), "wrong-password", ip).then().statusCode(401);
        }
        String name = Api.uniqueName("victim");
        String pw = Api.password();
        Api.registered(name, pw);
        Api.login(name, pw, ip).then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        Api.login(name, pw, Api.randomAddress()).then().statusCode(200);
        given().get("/q/metrics").then().body(containsString("chat_auth_lockouts_total"))
                .body(containsString("chat_auth_login_failures_total"))
                .body(containsString("chat_auth_login_refused_total"));
    }

    private static long timed(String user, String ip) {
        long t = System.nanoTime();
        Api.login(user, "wrong-password", ip).then().statusCode(401);
        return (System.nanoTime() - t) / 1_000_000;
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String withoutTs(String body) {
        return body.replaceAll("\"ts\":\"[^\"]*\"", "");
    }
}

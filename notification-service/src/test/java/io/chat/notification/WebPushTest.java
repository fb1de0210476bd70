package io.chat.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.chat.testsupport.KafkaTestClient;
import io.chat.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web Push to a local push endpoint started by the test. The test plays the browser: it makes the subscription's
 * P-256 key pair and auth secret, and decrypts what arrives with its own RFC 8291 code (not the service's).
 */
@QuarkusTest
class WebPushTest extends NotificationTestBase {
    record Received(String path, Map<String, String> headers, byte[] body) {
    }

    static HttpServer server;
    static final List<Received> received = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

    /** A browser-side subscription: its key pair and auth secret. */
    record Browser(KeyPair keys, byte[] auth, String endpoint) {
        byte[] publicPoint() {
            return point((ECPublicKey) keys.getPublic());
        }
    }

    @BeforeAll
    static void pushServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(path, headers, body));
            int status = path.startsWith("/gone") ? 410
                    : failuresLeft.getOrDefault(path, new AtomicInteger()).getAndDecrement() > 0 ? 503 : 201;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    static Browser browser(String path) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        return new Browser(g.generateKeyPair(), auth,
                "http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    static void subscribe(String user, Browser b) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        given().auth().oauth2(TestTokens.forUser(user)).contentType("application/json")
                .body(Map.of("endpoint", b.endpoint(),
                        "keys", Map.of("p256dh", b64.encodeToString(b.publicPoint()), "auth", b64.encodeToString(b.auth()))))
                .post("/api/push/subscriptions").then().statusCode(201);
    }

    List<Received> requestsTo(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Test
    void aPushArrivesEncryptedForTheSubscriptionAndSignedWithVapid() throws Exception {
        String alice = id("alice");
        String bob = id("bob");
        user(alice, null, "UTC");
        await(() -> count("select count(*) from users where user_id = $1", alice) == 1);
        String path = "/push/" + id("sub");
        Browser browser = browser(path);
        subscribe(bob, browser);
        String dm = id("dm");
        room(dm, "direct", alice, bob);
        message(dm, id("m"), 1, alice, "ping over web push");

        await(() -> requestsTo(path).size() == 1);
        Received r = requestsTo(path).get(0);
        assertEquals("aes128gcm", r.headers().get("content-encoding"));
        assertTrue(Integer.parseInt(r.headers().get("ttl")) > 0);

        JsonNode payload = KafkaTestClient.JSON.readTree(decrypt(browser, r.body()));
        assertEquals(dm, payload.path("room").asText());
        assertEquals("Name " + alice.substring(0, 6), payload.path("sender").asText(), "sender display name");
        assertEquals("ping over web push", payload.path("preview").asText());
        assertEquals("message", payload.path("kind").asText());
        assertFalse(payload.has("text"), "no more than needed");

        // VAPID (RFC 8292): "vapid t=<JWT signed ES256 by k>, k=<the key the service publishes>"
        String vapidKey = given().get("/api/push/vapid-public-key").then().statusCode(200).extract().path("publicKey");
        String authz = r.headers().get("authorization");
        assertTrue(authz.startsWith("vapid t="), authz);
        String jwt = authz.substring("vapid t=".length(), authz.indexOf(','));
        String k = authz.substring(authz.indexOf("k=") + 2).trim();
        assertEquals(vapidKey, k);
        String[] parts = jwt.split("\\.");
        Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
        es256.initVerify(publicKey(Base64.getUrlDecoder().decode(k)));
        es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(es256.verify(Base64.getUrlDecoder().decode(parts[2])), "VAPID JWT signature");
        JsonNode claims = KafkaTestClient.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("http://127.0.0.1:" + server.getAddress().getPort(), claims.path("aud").asText());
        assertTrue(claims.path("exp").asLong() > System.currentTimeMillis() / 1000);
    }

    @Test
    void noPreviewWhenTheUserTurnedPreviewsOff() throws Exception {
        String alice = id("alice");
        String bob = id("bob");
        putSettings(bob, "{\"previews\":false}");
        String path = "/push/" + id("sub");
        Browser browser = browser(path);
        subscribe(bob, browser);
        String dm = id("dm");
        room(dm, "direct", alice, bob);
        message(dm, id("m"), 1, alice, "secret text");
        await(() -> requestsTo(path).size() == 1);
        JsonNode payload = KafkaTestClient.JSON.readTree(decrypt(browser, requestsTo(path).get(0).body()));
        assertEquals(dm, payload.path("room").asText());
        assertFalse(payload.has("preview"));
        assertFalse(payload.toString().contains("secret text"));
    }

    @Test
    void aGoneSubscriptionIsRemovedAndTransientFailuresAreRetried() throws Exception {
        String alice = id("alice");
        String bob = id("bob");
        String gonePath = "/gone/" + id("sub");
        String flakyPath = "/flaky/" + id("sub");
        failuresLeft.put(flakyPath, new AtomicInteger(2));
        subscribe(bob, browser(gonePath));
        Browser flaky = browser(flakyPath);
        subscribe(bob, flaky);
        assertEquals(2, count("select count(*) from push_subscriptions where user_id = $1", bob));
        String dm = id("dm");
        room(dm, "direct", alice, bob);
        message(dm, id("m"), 1, alice, "are you there");

        await(() -> count("select count(*) from push_subscriptions where user_id = $1 and endpoint like '%/gone/%'", bob) == 0);
        await(() -> requestsTo(flakyPath).size() == 3); // 503, 503, then 201
        JsonNode payload = KafkaTestClient.JSON.readTree(decrypt(flaky, requestsTo(flakyPath).get(2).body()));
        assertEquals("are you there", payload.path("preview").asText());
        assertEquals(1, count("select count(*) from push_subscriptions where user_id = $1", bob), "flaky one kept");
        assertEquals(1, requestsTo(gonePath).size(), "410 is not retried");
    }

    @Test
    void subscriptionsAreValidatedAndDeletable() throws Exception {
        String bob = id("bob");
        String token = TestTokens.forUser(bob);
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"endpoint\":\"ftp://x\",\"keys\":{\"p256dh\":\"abc\",\"auth\":\"\"}}")
                .post("/api/push/subscriptions").then().statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("bad_request"))
                .body("details.endpoint", org.hamcrest.Matchers.notNullValue())
                .body("details.'keys.p256dh'", org.hamcrest.Matchers.notNullValue())
                .body("details.'keys.auth'", org.hamcrest.Matchers.notNullValue());
        Browser b = browser("/push/" + id("sub"));
        subscribe(bob, b);
        given().auth().oauth2(TestTokens.forUser(id("mallory"))).contentType("application/json")
                .body(Map.of("endpoint", b.endpoint())).delete("/api/push/subscriptions").then().statusCode(404);
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("endpoint", b.endpoint())).delete("/api/push/subscriptions").then().statusCode(204);
        assertEquals(0, count("select count(*) from push_subscriptions where user_id = $1", bob));
    }

    // ---- the browser's side of RFC 8291, written independently of the service's code ----

    static byte[] decrypt(Browser b, byte[] body) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        in.get(salt);
        int rs = in.getInt();
        assertTrue(rs >= 18);
        byte[] asPublic = new byte[in.get() & 0xff];
        in.get(asPublic);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);

        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(b.keys().getPrivate());
        ka.doPhase(publicKey(asPublic), true);
        byte[] ecdh = ka.generateSecret();
        byte[] prkKey = hmac(b.auth(), ecdh);
        byte[] keyInfo = cat("WebPush: info".getBytes(StandardCharsets.US_ASCII), new byte[] {0}, b.publicPoint(), asPublic,
                new byte[] {1});
        byte[] ikm = hmac(prkKey, keyInfo);
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, cat("Content-Encoding: aes128gcm".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, cat("Content-Encoding: nonce".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 1})), 12);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = c.doFinal(ciphertext);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        assertEquals(2, padded[end], "last record delimiter");
        return Arrays.copyOf(padded, end);
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m.doFinal(data);
    }

    static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }

    static byte[] point(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        byte[] x = key.getW().getAffineX().toByteArray();
        byte[] y = key.getW().getAffineY().toByteArray();
        System.arraycopy(x, Math.max(0, x.length - 32), out, 1 + 32 - Math.min(32, x.length), Math.min(32, x.length));
        System.arraycopy(y, Math.max(0, y.length - 32), out, 33 + 32 - Math.min(32, y.length), Math.min(32, y.length));
        return out;
    }

    static PublicKey publicKey(byte[] point) throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
    }
}

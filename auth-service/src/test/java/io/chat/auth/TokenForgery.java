package io.chat.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The token attack catalogue, independent of auth-service: give it a genuine access token, the signing key (for
 * tokens whose only flaw is a claim) and the public JWKS text, and it returns named forgeries that every service must
 * refuse with 401. Other services' tests can run the same catalogue against their own protected endpoints.
 */
public final class TokenForgery {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String genuine;
    private final PrivateKey signingKey;
    private final String kid;
    private final String jwksJson;

    public TokenForgery(String genuine, PrivateKey signingKey, String kid, String jwksJson) {
        this.genuine = genuine;
        this.signingKey = signingKey;
        this.kid = kid;
        this.jwksJson = jwksJson;
    }

    /** Every forgery by name; each must be refused. */
    public Map<String, String> catalogue(PrivateKey foreignKey) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("alg none", unsigned(header("none"), claims(c -> { })));
        all.put("alg none, no kid", unsigned(header("none").without("kid"), claims(c -> { })));
        all.put("HS256 keyed with the JWKS public key (key confusion)",
                hmac(claims(c -> { }), jwksPublicKeyJson().getBytes(StandardCharsets.UTF_8)));
        all.put("HS256 keyed with the public key PEM derived from JWKS",
                hmac(claims(c -> { }), publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
        all.put("HS256 keyed with the x coordinate",
                hmac(claims(c -> { }), Base64.getUrlDecoder().decode(jwksKey().get("x").asText())));
        all.put("tampered payload (groups += admin), original signature", tampered());
        all.put("unknown kid, signed with a foreign key", sign(claims(c -> { }), foreignKey, "unknown-" + now));
        all.put("current kid, signed with a foreign key", sign(claims(c -> { }), foreignKey, kid));
        all.put("no kid", sign(claims(c -> { }), signingKey, null));
        all.put("expired", sign(claims(c -> {
            c.put("iat", now - 3600);
            c.put("exp", now - 1800);
        }), signingKey, kid));
        all.put("not yet valid (nbf in the future)", sign(claims(c -> c.put("nbf", now + 3600)), signingKey, kid));
        all.put("issued in the future (iat)", sign(claims(c -> {
            c.put("iat", now + 3600);
            c.put("exp", now + 4000);
        }), signingKey, kid));
        all.put("wrong iss", sign(claims(c -> c.put("iss", "evil-issuer")), signingKey, kid));
        all.put("wrong aud", sign(claims(c -> c.put("aud", "another-audience")), signingKey, kid));
        all.put("no exp", sign(claims(c -> c.remove("exp")), signingKey, kid));
        all.put("garbage", "not.a.jwt");
        all.put("empty signature", genuine.substring(0, genuine.lastIndexOf('.') + 1));
        return all;
    }

    /** A token signed with the real key whose claims the caller adjusts. */
    public String signed(Consumer<ObjectNode> adjust) throws Exception {
        return sign(claims(adjust), signingKey, kid);
    }

    public ObjectNode claims(Consumer<ObjectNode> adjust) throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(genuine.split("\\.")[1]));
        adjust.accept(c);
        return c;
    }

    private ObjectNode header(String alg) {
        ObjectNode h = JSON.createObjectNode();
        h.put("alg", alg);
        h.put("typ", "JWT");
        h.put("kid", kid);
        return h;
    }

    private String tampered() throws Exception {
        String[] parts = genuine.split("\\.");
        ObjectNode c = claims(x -> x.putArray("groups").add("user").add("staff").add("admin"));
        return parts[0] + "." + B64.encodeToString(JSON.writeValueAsBytes(c)) + "." + parts[2];
    }

    private static String unsigned(JsonNode header, JsonNode claims) throws Exception {
        return B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims))
                + ".";
    }

    private String hmac(JsonNode claims, byte[] secret) throws Exception {
        String input = B64.encodeToString(JSON.writeValueAsBytes(header("HS256"))) + "."
                + B64.encodeToString(JSON.writeValueAsBytes(claims));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String sign(JsonNode claims, PrivateKey key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JSON.writeValueAsString(claims));
        jws.setKey(key);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        return jws.getCompactSerialization();
    }

    private JsonNode jwksKey() throws Exception {
        for (JsonNode k : JSON.readTree(jwksJson).get("keys")) {
            if (kid.equals(k.path("kid").asText())) {
                return k;
            }
        }
        throw new IllegalStateException("kid " + kid + " not in JWKS");
    }

    private String jwksPublicKeyJson() throws Exception {
        return JSON.writeValueAsString(jwksKey());
    }

    private String publicKeyPem() throws Exception {
        byte[] der = org.jose4j.jwk.JsonWebKey.Factory.newJwk(jwksPublicKeyJson()).getKey().getEncoded();
        String dashes = "-----";
        return dashes + "BEGIN PUBLIC KEY" + dashes + "\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n" + dashes + "END PUBLIC KEY" + dashes + "\n";
    }
}

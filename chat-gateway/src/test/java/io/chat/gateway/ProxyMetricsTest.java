package io.chat.gateway;

import io.chat.testsupport.TestTokens;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proxied paths carry ids; the gateway's request metrics must be tagged by proxied prefix, not by path, or every
 * room, user and message would make a new time series. (Whatever the services behind the proxy answer here,
 * or 502 when they are not running, is measured all the same.)
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class ProxyMetricsTest {
    @Inject
    MeterRegistry metrics;

    @Test
    void proxiedRequestsAreTaggedByPrefixNotByPath() throws InterruptedException {
        List<String> paths = List.of("/api/rooms/" + UUID.randomUUID() + "/messages", "/api/rooms/" + UUID.randomUUID() + "/members/"
                + UUID.randomUUID(), "/api/users/" + UUID.randomUUID(), "/api/notifications/" + UUID.randomUUID() + "/read");
        for (String path : paths) {
            given().get(path).then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(200));
        }
        // the server records a request when its response has ended, which can be just after the client read it
        long until = System.currentTimeMillis() + 10_000;
        while (requestsRecorded() < paths.size() && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        List<String> uris = metrics.find("http.server.requests").meters().stream().map(Meter::getId)
                .map(id -> id.getTag("uri")).distinct().toList();
        assertTrue(uris.stream().noneMatch(u -> u.matches(".*[0-9a-f]{8}-[0-9a-f]{4}-.*")), "no id in a uri tag: " + uris);
        assertEquals(2.0, metrics.find("http.server.requests").tag("uri", "/api/rooms/*").timers().stream()
                .mapToDouble(t -> t.count()).sum(), "both room requests under one tag: " + uris);
        assertTrue(uris.containsAll(List.of("/api/users/*", "/api/notifications/*")), "tagged by prefix: " + uris);
    }

    /** Requests recorded so far under the proxied prefixes this test calls. */
    private long requestsRecorded() {
        return List.of("/api/rooms/*", "/api/users/*", "/api/notifications/*").stream()
                .flatMap(uri -> metrics.find("http.server.requests").tag("uri", uri).timers().stream())
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
    }
}

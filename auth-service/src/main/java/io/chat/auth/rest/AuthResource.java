package io.chat.auth.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.auth.repository.UserRow;
import io.chat.auth.service.ApiException;
import io.chat.auth.service.AccountService;
import io.chat.auth.service.SessionService;
import io.chat.auth.service.TokenPair;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Map;
import java.util.UUID;

/** Section 1 of the contract: register, login, refresh, logout, JWKS. Blocking methods run on worker threads. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AuthResource {

    public record RegisterRequest(String username, String password, String displayName, String email) {
    }

    public record LoginRequest(String username, String password) {
    }

    public record RefreshRequest(String refreshToken) {
    }

    private final AccountService accounts;
    private final SessionService sessions;
    private final ClientAddress clientAddress;
    private final io.chat.auth.service.SigningKeys keys;
    private final JsonWebToken jwt;
    private final ObjectMapper json;

    public AuthResource(AccountService accounts, SessionService sessions, ClientAddress clientAddress,
            io.chat.auth.service.SigningKeys keys, JsonWebToken jwt, ObjectMapper json) {
        this.json = json;
        this.accounts = accounts;
        this.sessions = sessions;
        this.clientAddress = clientAddress;
        this.keys = keys;
        this.jwt = jwt;
    }

    @POST
    @Path("/register")
    @PermitAll
    public Response register(RegisterRequest req) {
        RegisterRequest r = req == null ? new RegisterRequest(null, null, null, null) : req;
        UUID id = accounts.register(r.username(), r.password(), r.displayName(), r.email());
        return Response.status(201).entity(Map.of("userId", id.toString())).build();
    }

    @POST
    @Path("/login")
    @PermitAll
    public TokenPair login(LoginRequest req, @Context HttpServerRequest http) {
        LoginRequest r = req == null ? new LoginRequest(null, null) : req;
        return sessions.login(r.username(), r.password(), client(http));
    }

    @POST
    @Path("/refresh")
    @PermitAll
    public TokenPair refresh(RefreshRequest req) {
        return sessions.refresh(req == null ? null : req.refreshToken());
    }

    /** Ends the token's session (sid); a refresh token in the body, if given, has its family ended too. */
    @POST
    @Path("/logout")
    @Authenticated
    @Consumes(MediaType.WILDCARD)
    public Response logout(String body) {
        UserRow caller = accounts.requireCaller(jwt, false);
        String refreshToken = null;
        if (body != null && !body.isBlank()) {
            try {
                refreshToken = json.readTree(body).path("refreshToken").textValue();
            } catch (java.io.IOException e) {
                throw ApiException.badRequest("malformed JSON body", null);
            }
        }
        Object sid = jwt.getClaim("sid");
        if (sid instanceof jakarta.json.JsonString js) {
            sid = js.getString();
        }
        sessions.logout(caller.id(), UUID.fromString(String.valueOf(sid)), refreshToken);
        return Response.noContent().build();
    }

    @GET
    @Path("/jwks")
    @PermitAll
    @NonBlocking
    public Response jwks() {
        CacheControl cc = new CacheControl();
        cc.setMaxAge(300);
        cc.setPrivate(false);
        return Response.ok(keys.jwksJson(), MediaType.APPLICATION_JSON).cacheControl(cc).build();
    }

    private String client(HttpServerRequest http) {
        String peer = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return clientAddress.resolve(peer, http.getHeader("X-Forwarded-For"));
    }
}

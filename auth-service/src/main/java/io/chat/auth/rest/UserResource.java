package io.chat.auth.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.auth.mapping.UserMapper;
import io.chat.auth.repository.UserRow;
import io.chat.auth.service.AccountService;
import io.chat.auth.service.TokenPair;
import io.quarkus.security.Authenticated;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Account endpoints of section 3 owned by auth-service, plus password change and the admin role endpoints. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Authenticated
public class UserResource {

    public record PasswordChange(String currentPassword, String newPassword) {
    }

    public record PasswordConfirmation(String password) {
    }

    private final AccountService accounts;
    private final ClientAddress clientAddress;
    private final JsonWebToken jwt;

    public UserResource(AccountService accounts, ClientAddress clientAddress, JsonWebToken jwt) {
        this.accounts = accounts;
        this.clientAddress = clientAddress;
        this.jwt = jwt;
    }

    @GET
    @Path("/users/me")
    public UserMapper.Profile me() {
        return UserMapper.profile(caller());
    }

    @PATCH
    @Path("/users/me")
    public UserMapper.Profile update(JsonNode patch) {
        return UserMapper.profile(accounts.updateProfile(caller(), patch));
    }

    @GET
    @Path("/users")
    public AccountService.Page search(@QueryParam("q") String q, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        caller();
        return accounts.search(q, limit, cursor);
    }

    @POST
    @Path("/users/me/password")
    public TokenPair changePassword(PasswordChange req, @Context HttpServerRequest http) {
        PasswordChange r = req == null ? new PasswordChange(null, null) : req;
        return accounts.changePassword(caller(), r.currentPassword(), r.newPassword(), client(http));
    }

    @GET
    @Path("/users/me/export")
    public UserMapper.Export export() {
        return accounts.export(caller());
    }

    @DELETE
    @Path("/users/me")
    public Response delete(PasswordConfirmation req, @Context HttpServerRequest http) {
        accounts.delete(caller(), req == null ? null : req.password(), client(http));
        return Response.noContent().build();
    }

    @PUT
    @Path("/admin/users/{userId}/roles/staff")
    @RolesAllowed("admin")
    public Response grantStaff(@PathParam("userId") String userId) {
        accounts.setStaff(caller(), userId, true);
        return Response.noContent().build();
    }

    @DELETE
    @Path("/admin/users/{userId}/roles/staff")
    @RolesAllowed("admin")
    public Response revokeStaff(@PathParam("userId") String userId) {
        accounts.setStaff(caller(), userId, false);
        return Response.noContent().build();
    }

    private UserRow caller() {
        return accounts.requireCaller(jwt, true);
    }

    private String client(HttpServerRequest http) {
        String peer = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return clientAddress.resolve(peer, http.getHeader("X-Forwarded-For"));
    }
}

package io.chat.auth.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.chat.auth.service.ApiException;
import io.chat.contracts.ErrorBody;
import io.chat.contracts.ErrorCodes;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where failures become the contract's error body ({@link ErrorBody}). */
public class ErrorMapper {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(e.code(), e.getMessage(), e.retryAfterSeconds() != null,
                        e.retryAfterSeconds() == null ? null : e.retryAfterSeconds() * 1000, e.details()));
        if (e.retryAfterSeconds() != null) {
            r.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return plain(403, ErrorCodes.FORBIDDEN, "not allowed");
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return plain(400, ErrorCodes.BAD_REQUEST, "malformed JSON body");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400, 405, 406, 415 -> ErrorCodes.BAD_REQUEST;
            case 401 -> ErrorCodes.UNAUTHORIZED;
            case 403 -> ErrorCodes.FORBIDDEN;
            case 404 -> ErrorCodes.NOT_FOUND;
            case 413 -> ErrorCodes.TOO_LARGE;
            case 503 -> ErrorCodes.UNAVAILABLE;
            default -> status >= 500 ? ErrorCodes.INTERNAL : ErrorCodes.BAD_REQUEST;
        };
        return plain(status, code, status >= 500 ? "server error" : e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected failure", e);
        return plain(500, ErrorCodes.INTERNAL, "internal error");
    }

    private static Response unauthorized() {
        return Response.status(401).type(MediaType.APPLICATION_JSON).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(ErrorBody.of(ErrorCodes.UNAUTHORIZED, "missing, invalid or revoked access token", false, null,
                        null))
                .build();
    }

    private static Response plain(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(code, message, status == 503, null, null)).build();
    }
}

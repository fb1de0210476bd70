package io.chat.notification.rest;

import io.chat.contracts.ErrorBody;
import io.chat.contracts.ErrorCodes;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure of a REST call to the contract's error body with the matching status. */
public class ErrorMapper {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response map(NotificationException e) {
        return body(e.status(), ErrorBody.of(e.code(), e.getMessage(), e.status() >= 500, null, e.details()));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e) {
        return body(401, ErrorBody.of(ErrorCodes.UNAUTHORIZED, "a valid access token is required", false, null, null));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return body(403, ErrorBody.of(ErrorCodes.FORBIDDEN, "not allowed", false, null, null));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 401 -> ErrorCodes.UNAUTHORIZED;
            case 403 -> ErrorCodes.FORBIDDEN;
            case 404 -> ErrorCodes.NOT_FOUND;
            case 413 -> ErrorCodes.TOO_LARGE;
            default -> status >= 500 ? ErrorCodes.INTERNAL : ErrorCodes.BAD_REQUEST;
        };
        return body(status, ErrorBody.of(code, status == 400 ? "malformed request" : e.getMessage(), false, null, null));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.errorf(e, "unexpected failure: %s", e.getClass().getName());
        return body(500, ErrorBody.of(ErrorCodes.INTERNAL, "internal error", true, null, null));
    }

    private static Response body(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}

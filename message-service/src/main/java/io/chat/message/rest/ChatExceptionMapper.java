package io.chat.message.rest;

import io.chat.contracts.ErrorBody;
import io.chat.contracts.ErrorCodes;
import io.chat.message.service.ChatException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure to the contract's error body. */
public class ChatExceptionMapper {
    private static final Logger LOG = Logger.getLogger(ChatExceptionMapper.class);

    @ServerExceptionMapper
    public Response chat(ChatException e) {
        return body(e.httpStatus(), ErrorBody.of(e.code, e.getMessage(), e.httpStatus() >= 500, null, e.details));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 401 -> ErrorCodes.UNAUTHORIZED;
            case 403 -> ErrorCodes.FORBIDDEN;
            case 404 -> ErrorCodes.NOT_FOUND;
            case 413 -> ErrorCodes.TOO_LARGE;
            case 415, 400, 405, 406 -> ErrorCodes.BAD_REQUEST;
            default -> status >= 500 ? ErrorCodes.INTERNAL : ErrorCodes.BAD_REQUEST;
        };
        return body(status, ErrorBody.of(code, status == 400 ? "malformed request" : e.getMessage(), status >= 500, null, null));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected failure", e);
        return body(500, ErrorBody.of(ErrorCodes.INTERNAL, "internal error", true, null, null));
    }

    private static Response body(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}

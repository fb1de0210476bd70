package io.chat.presence.rest;

import io.chat.contracts.ErrorBody;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class PresenceExceptionMapper implements ExceptionMapper<PresenceException> {
    @Override
    public Response toResponse(PresenceException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(e.code(), e.getMessage(), false, null, e.details())).build();
    }
}

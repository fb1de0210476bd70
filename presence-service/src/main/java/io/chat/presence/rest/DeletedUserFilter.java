package io.chat.presence.rest;

import io.chat.contracts.ErrorBody;
import io.chat.contracts.ErrorCodes;
import io.chat.presence.repository.PresenceStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** After user.deleted the user's still-unexpired access tokens are refused (401), from the erasure tombstone. */
public class DeletedUserFilter {
    @Inject
    JsonWebToken jwt;
    @Inject
    PresenceStore store;

    @ServerRequestFilter
    public Uni<Response> refuseDeletedUsers() {
        String user = jwt.getSubject();
        if (user == null) {
            return Uni.createFrom().nullItem();
        }
        return store.isDeleted(user).map(deleted -> !deleted ? null : Response.status(401).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(ErrorCodes.UNAUTHORIZED, "the account was deleted", false, null, null)).build());
    }
}

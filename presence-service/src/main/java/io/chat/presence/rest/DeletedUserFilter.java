package io.chat.presence.rest;

import io.chat.contracts.ErrorBody;
import io.chat.contracts.ErrorCodes;
import io.chat.presence.repository.PresenceStore;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** After user.deleted the user's still-unexpired access tokens are refused (401), from the erasure tombstone. */
public class DeletedUserFilter {
    @Inject
    CurrentIdentityAssociation identities;
    @Inject
    PresenceStore store;

    @ServerRequestFilter
    public Uni<Response> refuseDeletedUsers() {
        // the deferred identity works with lazy and proactive authentication alike, without blocking the IO thread
        return identities.getDeferredIdentity().onFailure().recoverWithNull().flatMap(identity -> {
            String user = identity == null || identity.isAnonymous()
                    || !(identity.getPrincipal() instanceof JsonWebToken jwt) ? null : jwt.getSubject();
            if (user == null) {
                return Uni.createFrom().<Response>nullItem(); // anonymous or invalid: the security layer decides
            }
            return store.isDeleted(user).map(deleted -> !deleted ? null : Response.status(401).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(ErrorCodes.UNAUTHORIZED, "the account was deleted", false, null, null)).build());
        });
    }
}

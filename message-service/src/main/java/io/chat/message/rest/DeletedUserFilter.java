package io.chat.message.rest;

import io.chat.contracts.ErrorBody;
import io.chat.contracts.ErrorCodes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Access tokens outlive an account by up to their lifetime; after user.deleted this service
 * refuses them (401), as every service does. One primary-key lookup per authenticated request.
 */
public class DeletedUserFilter {
    @Inject
    CurrentIdentityAssociation identities;
    @Inject
    Pool pool;

    @ServerRequestFilter
    public Uni<Response> refuseDeletedUsers() {
        // the deferred identity works with lazy and proactive authentication alike, without blocking the IO thread
        return identities.getDeferredIdentity().onFailure().recoverWithNull().flatMap(identity -> {
            String user = identity == null || identity.isAnonymous()
                    || !(identity.getPrincipal() instanceof JsonWebToken jwt) ? null : jwt.getSubject();
            if (user == null) {
                return Uni.createFrom().<Response>nullItem(); // anonymous or invalid: the security layer decides
            }
            return pool.preparedQuery("select 1 from users where id = $1 and deleted").execute(Tuple.of(user))
                .map(rows -> rows.size() == 0 ? null : Response.status(401).type(MediaType.APPLICATION_JSON)
                        .entity(ErrorBody.of(ErrorCodes.UNAUTHORIZED, "the account was deleted", false, null, null)).build());
        });
    }
}

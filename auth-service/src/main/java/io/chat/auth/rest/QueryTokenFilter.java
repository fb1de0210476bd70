package io.chat.auth.rest;

import io.chat.contracts.ErrorBody;
import io.chat.contracts.ErrorCodes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Tokens in URLs leak into logs, proxies and browser history: a request carrying {@code access_token} in the query
 * string is refused with 401 before anything else, whatever else it carries (the value is never logged).
 */
public class QueryTokenFilter {
    private static final Logger LOG = Logger.getLogger(QueryTokenFilter.class);

    @ServerRequestFilter(preMatching = true)
    public Response refuseTokenInQuery(ContainerRequestContext ctx) {
        if (ctx.getUriInfo().getQueryParameters().containsKey("access_token")) {
            LOG.infof("refused a request with access_token in the query string: %s %s", ctx.getMethod(),
                    ctx.getUriInfo().getPath());
            return Response.status(401).type(MediaType.APPLICATION_JSON).header("WWW-Authenticate", "Bearer")
                    .entity(ErrorBody.of(ErrorCodes.UNAUTHORIZED, "access tokens are accepted only in the "
                            + "Authorization header", false, null, null))
                    .build();
        }
        return null;
    }
}

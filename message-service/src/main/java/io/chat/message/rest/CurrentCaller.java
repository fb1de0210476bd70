package io.chat.message.rest;

import io.chat.message.service.Caller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/** The authenticated caller of the current REST request, from the verified access token. */
@RequestScoped
public class CurrentCaller {
    @Inject
    JsonWebToken jwt;

    public Caller get() {
        return new Caller(jwt.getSubject(), Set.copyOf(jwt.getGroups()));
    }
}

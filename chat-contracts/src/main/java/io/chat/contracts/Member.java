package io.chat.contracts;

/** A room member and their role: owner, admin or member. */
public record Member(String userId, String role) {
}

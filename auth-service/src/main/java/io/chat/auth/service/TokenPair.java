package io.chat.auth.service;

/** The login/refresh answer of the contract. */
public record TokenPair(String accessToken, String refreshToken, long expiresIn, String tokenType, String userId) {
    public TokenPair(String accessToken, String refreshToken, long expiresIn, String userId) {
        this(accessToken, refreshToken, expiresIn, "Bearer", userId);
    }
}

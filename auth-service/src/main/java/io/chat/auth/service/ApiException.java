package io.chat.auth.service;

import io.chat.contracts.ErrorCodes;

import java.util.Map;

/** The one error type of auth-service; {@code rest.ErrorMapper} turns it into the contract's error body. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> details;
    private final Long retryAfterSeconds;

    public ApiException(int status, String code, String message, Map<String, String> details, Long retryAfterSeconds) {
        super(message, null, false, false); // no stack trace: these are expected outcomes, not bugs
        this.status = status;
        this.code = code;
        this.details = details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String message, Map<String, String> details) {
        return new ApiException(400, ErrorCodes.BAD_REQUEST, message, details, null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, ErrorCodes.UNAUTHORIZED, message, null, null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, ErrorCodes.FORBIDDEN, message, null, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, ErrorCodes.NOT_FOUND, message, null, null);
    }

    public static ApiException conflict(String message, Map<String, String> details) {
        return new ApiException(409, ErrorCodes.CONFLICT, message, details, null);
    }

    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        return new ApiException(429, ErrorCodes.RATE_LIMITED, message, null, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> details() {
        return details;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

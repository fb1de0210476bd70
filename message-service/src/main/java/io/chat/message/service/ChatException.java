package io.chat.message.service;

import io.chat.contracts.ErrorCodes;

import java.util.Map;

/** The one error type of message-service; carries a contract error code, mapped to HTTP and to command results. */
public class ChatException extends RuntimeException {
    public final String code;
    public final Map<String, String> details;

    public ChatException(String code, String message) {
        this(code, message, null);
    }

    public ChatException(String code, String message, Map<String, String> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = details;
    }

    public static ChatException badRequest(String field, String message) {
        return new ChatException(ErrorCodes.BAD_REQUEST, message, field == null ? null : Map.of(field, message));
    }

    /** Used for rooms the caller may not see, so that guessing ids reveals nothing. */
    public static ChatException roomNotFound() {
        return new ChatException(ErrorCodes.NOT_FOUND, "room not found");
    }

    public static ChatException forbidden(String message) {
        return new ChatException(ErrorCodes.FORBIDDEN, message);
    }

    public int httpStatus() {
        return switch (code) {
            case ErrorCodes.BAD_REQUEST, ErrorCodes.UNKNOWN_TYPE -> 400;
            case ErrorCodes.UNAUTHORIZED -> 401;
            case ErrorCodes.FORBIDDEN -> 403;
            case ErrorCodes.NOT_FOUND -> 404;
            case ErrorCodes.CONFLICT, ErrorCodes.DUPLICATE -> 409;
            case ErrorCodes.TOO_LARGE -> 413;
            case ErrorCodes.RATE_LIMITED -> 429;
            case ErrorCodes.UNAVAILABLE -> 503;
            default -> 500;
        };
    }
}

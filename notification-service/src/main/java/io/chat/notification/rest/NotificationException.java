package io.chat.notification.rest;

import io.chat.contracts.ErrorCodes;

import java.util.Map;

/** The one error type of this service; {@link ErrorMapper} turns it into the contract's error body. */
public class NotificationException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> details;

    public NotificationException(int status, String code, String message, Map<String, String> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    public static NotificationException badRequest(String message, Map<String, String> details) {
        return new NotificationException(400, ErrorCodes.BAD_REQUEST, message, details);
    }

    public static NotificationException notFound(String message) {
        return new NotificationException(404, ErrorCodes.NOT_FOUND, message, null);
    }

    public static NotificationException unavailable(String message) {
        return new NotificationException(503, ErrorCodes.UNAVAILABLE, message, null);
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
}

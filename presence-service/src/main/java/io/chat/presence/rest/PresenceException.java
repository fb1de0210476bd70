package io.chat.presence.rest;

import java.util.Map;

/** The one error type of this service, mapped to the contract's error body by {@link PresenceExceptionMapper}. */
public class PresenceException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> details;

    public PresenceException(int status, String code, String message, Map<String, String> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    public static PresenceException badRequest(String field, String message) {
        return new PresenceException(400, io.chat.contracts.ErrorCodes.BAD_REQUEST, message, Map.of("field", field));
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

package io.chat.contracts;

/** The contract's fixed error codes (the set may grow, never shrink). */
public final class ErrorCodes {
    public static final String BAD_REQUEST = "bad_request";
    public static final String UNKNOWN_TYPE = "unknown_type";
    public static final String TOO_LARGE = "too_large";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not_found";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String DUPLICATE = "duplicate";
    public static final String CONFLICT = "conflict";
    public static final String UNAVAILABLE = "unavailable";
    public static final String INTERNAL = "internal";

    private ErrorCodes() {
    }
}

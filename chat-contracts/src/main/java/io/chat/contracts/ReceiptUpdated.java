package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A member's delivery or read pointer moved forward. {@code readPrivate} is true for users who
 * hide read receipts: gateways then show {@code read} to that user's own devices only, while
 * notification-service still uses it to stop notifying about what was read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReceiptUpdated(String room, String user, Long delivered, Long read, Boolean readPrivate) {
}

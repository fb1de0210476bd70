package io.chat.message.service;

import java.util.Set;

/** Who is asking: the token's subject and roles, or the sender named in a gateway command. */
public record Caller(String userId, Set<String> groups) {
    public boolean isStaff() {
        return groups.contains("staff") || groups.contains("admin");
    }
}

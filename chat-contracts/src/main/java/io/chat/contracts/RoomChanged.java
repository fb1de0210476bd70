package io.chat.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A room was created or changed, or its membership changed. {@code members} is the whole
 * member list after the change, so consumers keep their local room index without a call back;
 * {@code userId} is the member who joined or left, when that is what happened.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoomChanged(String room, String kind, String name, String userId, List<Member> members) {
}

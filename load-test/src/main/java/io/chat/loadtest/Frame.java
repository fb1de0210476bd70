package io.chat.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The top-level scalar fields of a server frame that the load generator needs, read with Jackson's streaming
 * parser (tens of thousands of frames per second must not cost a tree each). A sync ack keeps its text so that
 * its {@code rooms} object can be read as a tree.
 */
public record Frame(String type, String ref, String room, long seq, String clientMsgId, String code, String message, long retryAfterMs,
        String ts, boolean hasRooms, String raw) {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    public static Frame parse(String text) {
        String type = null, ref = null, room = null, clientMsgId = null, code = null, message = null, ts = null;
        long seq = -1;
        long retryAfter = -1;
        boolean rooms = false;
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Frame("__invalid__", null, null, -1, null, null, null, -1, null, false, text);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (name.equals("rooms")) {
                        rooms = true;
                    }
                    p.skipChildren();
                    continue;
                }
                switch (name) {
                    case "type" -> type = p.getValueAsString();
                    case "ref" -> ref = p.getValueAsString();
                    case "room" -> room = p.getValueAsString();
                    case "seq" -> seq = p.getValueAsLong(-1);
                    case "clientMsgId" -> clientMsgId = p.getValueAsString();
                    case "code" -> code = p.getValueAsString();
                    case "message" -> message = p.getValueAsString();
                    case "retryAfterMs" -> retryAfter = p.getValueAsLong(-1);
                    case "ts" -> ts = p.getValueAsString();
                    default -> { }
                }
            }
        } catch (IOException e) {
            return new Frame("__invalid__", null, null, -1, null, null, null, -1, null, false, text);
        }
        return new Frame(type, ref, room, seq, clientMsgId, code, message, retryAfter, ts, rooms, rooms ? text : null);
    }

    public JsonNode tree() {
        try {
            return JSON.readTree(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.agentworkspace.console.web;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON for the Pusher endpoints: whether a published text is one JSON value (read, never built), quoting. */
final class PusherJson {

    private static final JsonFactory JSON = new JsonFactory();

    private PusherJson() {
    }

    /** {@code text} as a JSON string. */
    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    static boolean isJson(String data) {
        try (JsonParser parser = JSON.createParser(data)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException notJson) {
            return false;
        }
    }
}

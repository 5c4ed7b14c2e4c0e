package io.agentworkspace.console.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;

/**
 * The query string of a Pusher HTTP API request, parsed once: the signature, the timestamp window, the replay check
 * and the endpoint all read this one map. A name given twice, or in any other spelling than lower case (Pusher
 * signs lower-cased names), is refused: otherwise the string that is signed and the values that are checked could
 * come from different parameters, and a captured request could be revived with a fresh {@code auth_timestamp}
 * beside its signed {@code AUTH_TIMESTAMP}.
 */
final class PusherQuery {

    static final int MAX_LENGTH = 4096;
    static final int MAX_PARAMETERS = 32;
    private static final Pattern CANONICAL_NAME = Pattern.compile("[a-z0-9_]{1,64}");

    private final Map<String, String> parameters;

    private PusherQuery(Map<String, String> parameters) {
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /** @throws ConsoleProblems.Unsigned when the query is malformed, repeats a name or spells one otherwise */
    static PusherQuery parse(@Nullable String rawQuery) {
        TreeMap<String, String> parameters = new TreeMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new PusherQuery(parameters);
        }
        if (rawQuery.length() > MAX_LENGTH) {
            throw invalid("the query string is longer than " + MAX_LENGTH + " characters");
        }
        int start = 0;
        while (start <= rawQuery.length()) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            if (end > start) {
                String pair = rawQuery.substring(start, end);
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (!CANONICAL_NAME.matcher(name).matches()) {
                    throw invalid("query parameter names are lower case letters, digits and _");
                }
                if (parameters.putIfAbsent(name, value) != null) {
                    throw invalid("query parameter " + name + " is given more than once");
                }
                if (parameters.size() > MAX_PARAMETERS) {
                    throw invalid("more than " + MAX_PARAMETERS + " query parameters");
                }
            }
            start = end + 1;
        }
        return new PusherQuery(parameters);
    }

    @Nullable
    String get(String name) {
        return parameters.get(name);
    }

    /** {@code METHOD\npath\nname=value&...}: every parameter but the signature, sorted by name, as Pusher signs. */
    String stringToSign(String method, String path) {
        StringBuilder text = new StringBuilder(method.length() + path.length() + 256).append(method).append('\n')
                .append(path).append('\n');
        boolean first = true;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (parameter.getKey().equals("auth_signature")) {
                continue;
            }
            if (!first) {
                text.append('&');
            }
            first = false;
            text.append(parameter.getKey()).append('=').append(parameter.getValue());
        }
        return text.toString();
    }

    private static String decode(String value) {
        if (value.indexOf('%') < 0 && value.indexOf('+') < 0) {
            return value;
        }
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw invalid("a query parameter is not valid percent-encoding");
        }
    }

    private static ConsoleProblems.Unsigned invalid(String message) {
        return new ConsoleProblems.Unsigned("invalid-query", message);
    }
}

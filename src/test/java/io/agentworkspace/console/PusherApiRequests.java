package io.agentworkspace.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Requests to the Pusher HTTP API signed by hand, as the Pusher server SDKs sign them. */
public final class PusherApiRequests {

    private PusherApiRequests() {
    }

    static WebTestClient.ResponseSpec signedPost(WebTestClient client, String appId, String key, String body,
                                                 long timestamp, String secret) throws Exception {
        return client.post().uri(signedUri("/apps/" + appId + "/events", key, secret, body, timestamp))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    /** The path with its signed query string for a POST of {@code body}. */
    public static String signedUri(String path, String key, String secret, String body, long timestamp)
            throws Exception {
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        String query = "auth_key=" + key + "&auth_timestamp=" + timestamp + "&auth_version=1.0&body_md5=" + md5;
        return path + "?" + query + "&auth_signature=" + RawPusherClient.hmac(secret, "POST\n" + path + "\n" + query);
    }

    /** The {@code auth} of a private-channel subscription, as a server SDK's authorizeChannel computes it. */
    public static String channelAuth(String key, String secret, String socketId, String channel) throws Exception {
        return key + ":" + RawPusherClient.hmac(secret, socketId + ":" + channel);
    }
}

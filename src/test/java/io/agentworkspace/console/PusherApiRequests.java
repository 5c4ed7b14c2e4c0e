package io.agentworkspace.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Requests to the Pusher HTTP API signed by hand, as the Pusher server SDKs sign them. */
final class PusherApiRequests {

    private PusherApiRequests() {
    }

    static WebTestClient.ResponseSpec signedPost(WebTestClient client, String appId, String key, String body,
                                                 long timestamp, String secret) throws Exception {
        String path = "/apps/" + appId + "/events";
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        String query = "auth_key=" + key + "&auth_timestamp=" + timestamp + "&auth_version=1.0&body_md5=" + md5;
        String signature = RawPusherClient.hmac(secret, "POST\n" + path + "\n" + query);
        return client.post().uri(path + "?" + query + "&auth_signature=" + signature)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}

package io.agentworkspace.console.web;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.lang.Nullable;

/** The Pusher protocol's signatures: HMAC-SHA256 in lower-case hex, compared in constant time. */
final class PusherSignatures {

    private static final HexFormat HEX = HexFormat.of();

    private PusherSignatures() {
    }

    static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5(byte[] body) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code key:hex(HMAC(secret, socketId:channel[:channelData]))}, what a private or presence subscribe carries. */
    static String channelAuth(String key, String secret, String socketId, String channel, @Nullable String channelData) {
        String signed = socketId + ":" + channel + (channelData == null ? "" : ":" + channelData);
        return key + ":" + hmac(secret, signed);
    }

    static boolean same(@Nullable String expected, @Nullable String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}

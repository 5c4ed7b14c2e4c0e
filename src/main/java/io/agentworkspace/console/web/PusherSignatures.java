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

    /** A Mac and the secret it was initialized with, per thread: looking up and keying a Mac costs more than using it. */
    private static final class KeyedMac {
        final Mac mac;
        String secret;

        KeyedMac() {
            try {
                mac = Mac.getInstance("HmacSHA256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final ThreadLocal<KeyedMac> MACS = ThreadLocal.withInitial(KeyedMac::new);
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private PusherSignatures() {
    }

    static String hmac(String secret, String text) {
        KeyedMac keyed = MACS.get();
        try {
            if (!secret.equals(keyed.secret)) {
                keyed.mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                keyed.secret = secret;
            }
            return HEX.formatHex(keyed.mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5(byte[] body) {
        return HEX.formatHex(MD5.get().digest(body));
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

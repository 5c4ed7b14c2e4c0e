package io.agentworkspace.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption with AES-256-GCM: each secret has a random data key; values are sealed with it (the secret's
 * name and version bound in as associated data, so a ciphertext cannot be replayed under another name or
 * version); the data key itself is sealed (wrapped) with the master key. The fingerprint is an HMAC keyed by a key
 * derived from the data key, so it compares versions of one secret and is shredded with it.
 */
final class Envelope {

    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Envelope() {
    }

    static byte[] newDataKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    static byte[] wrap(MasterKey master, String keyId, byte[] dataKey) {
        return seal(master.key(), dataKey, ("data-key:" + keyId).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] unwrap(MasterKey master, String keyId, byte[] wrapped) {
        return open(master.key(), wrapped, ("data-key:" + keyId).getBytes(StandardCharsets.UTF_8));
    }

    /** Base64 of nonce + ciphertext + tag. */
    static String sealValue(byte[] dataKey, String name, long version, byte[] value) {
        return Base64.getEncoder().encodeToString(seal(aes(dataKey), value, aad(name, version)));
    }

    static byte[] openValue(byte[] dataKey, String name, long version, String sealed) {
        return open(aes(dataKey), Base64.getDecoder().decode(sealed), aad(name, version));
    }

    static String fingerprint(byte[] dataKey, byte[] value) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(dataKey, "HmacSHA256"));
            byte[] fingerprintKey = derive.doFinal("fingerprint".getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(fingerprintKey, "HmacSHA256"));
            Arrays.fill(fingerprintKey, (byte) 0);
            return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(value), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] aad(String name, long version) {
        return ("secret:" + name + ":" + version).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKey aes(byte[] key) {
        return new SecretKeySpec(key, "AES");
    }

    private static byte[] seal(SecretKey key, byte[] plaintext, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    private static byte[] open(SecretKey key, byte[] sealed, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new SecretUnreadable("the ciphertext does not open with this key (wrong key, or altered data)");
        }
    }

    static String hint(String value) {
        int length = value.codePointCount(0, value.length());
        if (length < 16) {
            return "****";
        }
        int cut = value.offsetByCodePoints(0, length - 4);
        return "****" + value.substring(cut);
    }

    static final class SecretUnreadable extends IllegalStateException {
        SecretUnreadable(String message) {
            super(message);
        }
    }
}

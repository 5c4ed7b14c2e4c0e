package io.agentworkspace.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Token text: {@code aw_<16 hex id>.<43 base64url secret>} (256 random bits). The id finds the token; only the
 * SHA-256 of the secret is stored, and comparison takes constant time. The fixed prefix lets leak scanners and
 * secret-scanning services recognise a leaked token.
 */
public final class TokenSecrets {

    public record Minted(String tokenId, String plaintext, String secretSha256) {
        @Override
        public String toString() {
            return "Minted[tokenId=" + tokenId + "]";
        }
    }

    record Presented(String tokenId, String secret) {
        @Override
        public String toString() {
            return "Presented[tokenId=" + tokenId + "]";
        }
    }

    public static final Pattern FORMAT = Pattern.compile("aw_([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private TokenSecrets() {
    }

    /** Blocking: reads the system's random source. */
    public static Minted mint() {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String tokenId = HEX.formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Minted(tokenId, "aw_" + tokenId + "." + secretText, sha256(secretText));
    }

    static Optional<Presented> parse(String presented) {
        Matcher matcher = FORMAT.matcher(presented);
        return matcher.matches() ? Optional.of(new Presented(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    static boolean matches(String secret, String expectedSha256) {
        return MessageDigest.isEqual(HEX.parseHex(sha256(secret)), HEX.parseHex(expectedSha256));
    }

    static String sha256(String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.agentworkspace.auth;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * Pairing codes: 8 characters of Crockford's base32 (40 random bits), shown as {@code XXXX-XXXX}; typed back in
 * any case, with or without the dash, and with O/I/L read as 0/1/1. Only a keyed hash is stored ({@link PairingCodeKey}).
 */
final class PairingCodes {

    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PairingCodes() {
    }

    /** Blocking: reads the system's random source. */
    static String generate() {
        StringBuilder code = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** The canonical 8 characters, or empty when the input cannot be a code. */
    static Optional<String> normalize(String typed) {
        if (typed == null || typed.length() > 32) {
            return Optional.empty();
        }
        String code = typed.strip().replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT)
                .replace('O', '0').replace('I', '1').replace('L', '1');
        if (code.length() != 8 || code.chars().anyMatch(c -> ALPHABET.indexOf(c) < 0)) {
            return Optional.empty();
        }
        return Optional.of(code);
    }

}

package dev.chorus.sandbox.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issued IAM access tokens and their expiry; thread-safe. Expired tokens are pruned when new
 * ones are issued, so the map stays bounded by the tokens alive at once.
 */
final class Tokens {

    enum Check { VALID, EXPIRED, UNKNOWN }

    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    String issue(long lifetimeNanos) {
        long now = System.nanoTime();
        if (expiries.size() > 64) {
            expiries.values().removeIf(e -> e - now < -60_000_000_000L);
        }
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String token = "sbx-" + HexFormat.of().formatHex(bytes);
        expiries.put(token, now + lifetimeNanos);
        return token;
    }

    Check check(String token) {
        Long expiry = expiries.get(token);
        if (expiry == null) {
            return Check.UNKNOWN;
        }
        return expiry - System.nanoTime() > 0 ? Check.VALID : Check.EXPIRED;
    }
}

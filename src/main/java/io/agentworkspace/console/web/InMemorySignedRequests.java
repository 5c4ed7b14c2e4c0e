package io.agentworkspace.console.web;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * One node ({@code agent.console.fanout=local}, the default): accepted signatures in memory, so a publish needs no
 * network round trip to be checked for a replay. A signature is remembered until its window ends, in the bucket of
 * that second: a whole second's bucket is dropped at once when its second has passed, so forgetting costs nothing
 * per request, and a replay (same signed timestamp, so same second) is looked up in one bucket. What is kept per
 * request is 8 bytes of the signature (64 bits of an HMAC: a collision among the few million remembered is
 * negligible). Bounded: with {@link #CAPACITY} signatures remembered, further publishes are refused for a moment
 * (503) rather than remembered without limit.
 */
@Component
@ConditionalOnProperty(name = "agent.console.fanout", havingValue = "local", matchIfMissing = true)
class InMemorySignedRequests implements SignedRequests {

    static final int CAPACITY = 4_000_000;
    /** One bucket per second of the window and a little more: a bucket is reused only after its second passed. */
    private static final int BUCKETS = (int) PusherHttpApi.MAX_SKEW.toSeconds() * 2 + 8;

    private final Bucket[] buckets = new Bucket[BUCKETS];
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong remembered = new java.util.concurrent.atomic.AtomicLong();

    InMemorySignedRequests(Clock clock) {
        this.clock = clock;
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new Bucket();
        }
    }

    @Override
    public Mono<Boolean> claim(String signature, Instant until) {
        long second = until.getEpochSecond();
        if (second <= clock.instant().getEpochSecond()) {
            // its window has passed: the timestamp check refuses it anyway; nothing to remember
            return Mono.just(true);
        }
        if (remembered.get() >= CAPACITY) {
            return Mono.error(new ConsoleProblems.Busy("Too many signed requests in the last "
                    + PusherHttpApi.MAX_SKEW.toSeconds() + " s; retry shortly."));
        }
        Bucket bucket = buckets[(int) Math.floorMod(second, (long) BUCKETS)];
        synchronized (bucket) {
            if (bucket.second != second) {
                remembered.addAndGet(-bucket.size);
                bucket.reset(second);
            }
            boolean first = bucket.add(key(signature));
            if (first) {
                remembered.incrementAndGet();
            }
            return Mono.just(first);
        }
    }

    @Override
    public Mono<Void> release(String signature) {
        // the claim's bucket is unknown here; the signature is found in whichever bucket holds it
        long key = key(signature);
        for (Bucket bucket : buckets) {
            synchronized (bucket) {
                if (bucket.remove(key)) {
                    remembered.decrementAndGet();
                    break;
                }
            }
        }
        return Mono.empty();
    }

    /** 64 bits of the signature (hex of an HMAC); any other text is hashed. */
    private static long key(String signature) {
        if (signature.length() >= 16) {
            try {
                return HexFormat.fromHexDigitsToLong(signature, 0, 16);
            } catch (IllegalArgumentException notHex) {
                // fall through
            }
        }
        long hash = 1125899906842597L;
        for (int i = 0; i < signature.length(); i++) {
            hash = 31 * hash + signature.charAt(i);
        }
        return hash;
    }

    /** The signatures whose window ends in one second: an open-addressing set of longs (0 marks a free slot). */
    private static final class Bucket {
        long second = Long.MIN_VALUE;
        long[] keys = new long[16];
        int size;
        boolean hasZero;

        void reset(long second) {
            this.second = second;
            if (keys.length > 16) {
                keys = new long[16];
            } else {
                Arrays.fill(keys, 0);
            }
            size = 0;
            hasZero = false;
        }

        boolean add(long key) {
            if (key == 0) {
                if (hasZero) {
                    return false;
                }
                hasZero = true;
                size++;
                return true;
            }
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
                if (keys[slot] == key) {
                    return false;
                }
                if (keys[slot] == 0) {
                    keys[slot] = key;
                    size++;
                    return true;
                }
            }
        }

        boolean remove(long key) {
            if (key == 0) {
                if (!hasZero) {
                    return false;
                }
                hasZero = false;
                size--;
                return true;
            }
            int mask = keys.length - 1;
            for (int slot = mix(key) & mask; keys[slot] != 0; slot = (slot + 1) & mask) {
                if (keys[slot] == key) {
                    keys[slot] = 0;
                    size--;
                    // re-insert the rest of the run so lookups never stop at the hole
                    for (int next = (slot + 1) & mask; keys[next] != 0; next = (next + 1) & mask) {
                        long moved = keys[next];
                        keys[next] = 0;
                        size--;
                        add(moved);
                    }
                    return true;
                }
            }
            return false;
        }

        private void grow() {
            long[] old = keys;
            keys = new long[old.length * 2];
            int kept = hasZero ? 1 : 0;
            size = kept;
            for (long key : old) {
                if (key != 0) {
                    add(key);
                }
            }
        }

        private static int mix(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}

package io.agentworkspace.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import reactor.core.publisher.Mono;

/**
 * A deterministic embedder that needs no network: feature hashing of words (split at non-letters and at camelCase
 * humps, lower-cased) and of their character trigrams into {@code dimension} signed buckets, with sublinear term
 * weights, normalized. Texts that share words or word pieces land close together; it knows no synonyms. The
 * embedded default and the tests use it.
 */
final class LocalHashEmbedder implements Embedder {

    private static final float WORD_WEIGHT = 1.0f;
    private static final float TRIGRAM_WEIGHT = 0.35f;

    private final int dimension;

    LocalHashEmbedder(int dimension) {
        if (dimension < 8) {
            throw new IllegalArgumentException("dimension must be at least 8");
        }
        this.dimension = dimension;
    }

    @Override
    public String id() {
        return "local-hash-v1/" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Mono<List<float[]>> embed(List<String> texts) {
        return Mono.fromCallable(() -> {
            List<float[]> vectors = new ArrayList<>(texts.size());
            texts.forEach(text -> vectors.add(embed(text)));
            return vectors;
        });
    }

    float[] embed(String text) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (String word : words(text)) {
            counts.merge(word, 1, Integer::sum);
        }
        float[] vector = new float[dimension];
        counts.forEach((word, count) -> {
            float weight = (float) (1 + Math.log(count));
            add(vector, "w:" + word, WORD_WEIGHT * weight);
            String padded = "^" + word + "$";
            for (int i = 0; i + 3 <= padded.length(); i++) {
                add(vector, "t:" + padded.substring(i, i + 3), TRIGRAM_WEIGHT * weight);
            }
        });
        double norm = 0;
        for (float x : vector) {
            norm += (double) x * x;
        }
        if (norm > 0) {
            float inverse = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < dimension; j++) {
                vector[j] *= inverse;
            }
        }
        return vector;
    }

    private void add(float[] vector, String feature, float weight) {
        long hash = hash(feature);
        int bucket = (int) Long.remainderUnsigned(hash, dimension);
        vector[bucket] += (hash >>> 63) == 0 ? weight : -weight;
    }

    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            boolean letter = Character.isLetterOrDigit(c);
            boolean hump = letter && start >= 0 && Character.isUpperCase(c) && Character.isLowerCase(text.charAt(i - 1));
            if ((!letter || hump) && start >= 0) {
                if (i - start > 1 && i - start <= 64) {
                    words.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                }
                start = -1;
            }
            if (letter && start < 0) {
                start = i;
            }
        }
        return words;
    }

    /** FNV-1a over UTF-16 units, then a SplitMix64 finalizer: stable across JVMs and releases, unlike hashCode. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}

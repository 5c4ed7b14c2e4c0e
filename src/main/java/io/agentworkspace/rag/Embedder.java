package io.agentworkspace.rag;

import java.util.List;

import reactor.core.publisher.Mono;

/** Turns texts into vectors of one fixed dimension, in the order given. */
interface Embedder {

    /** Names the model and dimension: stored with every chunk, so vectors of different embedders never mix. */
    String id();

    int dimension();

    Mono<List<float[]>> embed(List<String> texts);
}

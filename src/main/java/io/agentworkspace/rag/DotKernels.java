package io.agentworkspace.rag;

/**
 * The two inner loops of a search: an exact float dot product, and a dot product of a float query with an int8
 * sketch row. SIMD through the JDK's Vector API when the {@code jdk.incubator.vector} module is present (the
 * service starts with it), plain loops otherwise; both give results within float rounding of each other.
 */
interface DotKernels {

    float dot(float[] vectors, int offset, float[] query, int dimension);

    float dotCodes(byte[] codes, int offset, float[] query, int dimension);

    String name();

    static DotKernels best() {
        boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return vectorApi ? new SimdDotKernels() : new ScalarDotKernels();
    }
}

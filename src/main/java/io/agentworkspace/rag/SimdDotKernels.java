package io.agentworkspace.rag;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the JDK's Vector API (AVX2/AVX-512 here). Only loaded when the module is present: see
 * {@link DotKernels#best()}.
 */
final class SimdDotKernels implements DotKernels {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));

    @Override
    public float dot(float[] v, int off, float[] q, int d) {
        FloatVector a0 = FloatVector.zero(FLOATS);
        FloatVector a1 = FloatVector.zero(FLOATS);
        int j = 0;
        for (; j + 2 * LANES <= d; j += 2 * LANES) {
            a0 = FloatVector.fromArray(FLOATS, v, off + j).fma(FloatVector.fromArray(FLOATS, q, j), a0);
            a1 = FloatVector.fromArray(FLOATS, v, off + j + LANES).fma(FloatVector.fromArray(FLOATS, q, j + LANES), a1);
        }
        for (; j + LANES <= d; j += LANES) {
            a0 = FloatVector.fromArray(FLOATS, v, off + j).fma(FloatVector.fromArray(FLOATS, q, j), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; j < d; j++) {
            s += v[off + j] * q[j];
        }
        return s;
    }

    @Override
    public float dotCodes(byte[] c, int off, float[] q, int d) {
        // four accumulators: one would chain every FMA on the previous one's latency
        FloatVector a0 = FloatVector.zero(FLOATS);
        FloatVector a1 = FloatVector.zero(FLOATS);
        FloatVector a2 = FloatVector.zero(FLOATS);
        FloatVector a3 = FloatVector.zero(FLOATS);
        int j = 0;
        for (; j + 4 * LANES <= d; j += 4 * LANES) {
            a0 = codes(c, off + j).fma(FloatVector.fromArray(FLOATS, q, j), a0);
            a1 = codes(c, off + j + LANES).fma(FloatVector.fromArray(FLOATS, q, j + LANES), a1);
            a2 = codes(c, off + j + 2 * LANES).fma(FloatVector.fromArray(FLOATS, q, j + 2 * LANES), a2);
            a3 = codes(c, off + j + 3 * LANES).fma(FloatVector.fromArray(FLOATS, q, j + 3 * LANES), a3);
        }
        for (; j + LANES <= d; j += LANES) {
            a0 = codes(c, off + j).fma(FloatVector.fromArray(FLOATS, q, j), a0);
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; j < d; j++) {
            s += c[off + j] * q[j];
        }
        return s;
    }

    private static FloatVector codes(byte[] c, int offset) {
        return (FloatVector) ByteVector.fromArray(BYTES, c, offset).convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    @Override
    public String name() {
        return "simd-" + FLOATS.vectorBitSize();
    }
}

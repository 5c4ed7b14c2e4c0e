package io.agentworkspace.rag;

/** Plain loops, eight independent accumulators so the CPU can overlap the additions. */
final class ScalarDotKernels implements DotKernels {

    @Override
    public float dot(float[] v, int off, float[] q, int d) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 8 <= d; j += 8) {
            int o = off + j;
            s0 += v[o] * q[j];
            s1 += v[o + 1] * q[j + 1];
            s2 += v[o + 2] * q[j + 2];
            s3 += v[o + 3] * q[j + 3];
            s4 += v[o + 4] * q[j + 4];
            s5 += v[o + 5] * q[j + 5];
            s6 += v[o + 6] * q[j + 6];
            s7 += v[o + 7] * q[j + 7];
        }
        float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; j < d; j++) {
            s += v[off + j] * q[j];
        }
        return s;
    }

    @Override
    public float dotCodes(byte[] c, int off, float[] q, int d) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= d; j += 4) {
            int o = off + j;
            s0 += c[o] * q[j];
            s1 += c[o + 1] * q[j + 1];
            s2 += c[o + 2] * q[j + 2];
            s3 += c[o + 3] * q[j + 3];
        }
        float s = (s0 + s1) + (s2 + s3);
        for (; j < d; j++) {
            s += c[off + j] * q[j];
        }
        return s;
    }

    @Override
    public String name() {
        return "scalar";
    }
}

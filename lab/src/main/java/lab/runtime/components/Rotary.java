package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import lab.runtime.ForwardPass;
import lab.runtime.RopeScaling;

/**
 * Rotary position embedding in the "rotate half" layout that HF uses for GPT-NeoX and Llama
 * (HF's Llama converter permutes q/k weights so the halves pair up): the first {@code dim}
 * features of each head are rotated, the rest pass through (GPT-NeoX's partial rotary). The
 * frequencies may be rescaled (linear, llama3, YaRN: {@link RopeScaling}).
 */
public final class Rotary {

    private final int dim;
    private final NDArray cos;
    private final NDArray sin;

    /**
     * @param manager where the cos/sin tables live (the model's manager)
     * @param dim rotated features per head (even)
     * @param contextLength longest sequence
     * @param theta rotary base
     * @param scaling how the frequencies are rescaled, and the factor on cos and sin
     * @param dtype activation dtype
     */
    public Rotary(NDManager manager, int dim, int contextLength, double theta, RopeScaling scaling, DataType dtype) {
        this.dim = dim;
        int half = dim / 2;
        // HF computes the frequencies, angles and cos/sin in float32; so do we, so the tables agree to the bit
        float[] invFreq = scaling.inverseFrequencies(dim, theta);
        float attention = (float) scaling.attentionFactor();
        float[] cosTable = new float[contextLength * dim];
        float[] sinTable = new float[contextLength * dim];
        for (int i = 0; i < half; i++) {
            for (int p = 0; p < contextLength; p++) {
                float angle = p * invFreq[i];
                float c = (float) Math.cos(angle) * attention;
                float s = (float) Math.sin(angle) * attention;
                cosTable[p * dim + i] = c;
                cosTable[p * dim + i + half] = c;
                sinTable[p * dim + i] = s;
                sinTable[p * dim + i + half] = s;
            }
        }
        Shape shape = new Shape(contextLength, dim);
        this.cos = manager.create(cosTable, shape).toType(dtype, false);
        this.sin = manager.create(sinTable, shape).toType(dtype, false);
    }

    /** Rotates x [batch, pos, head, d_head] by position. */
    public NDArray apply(ForwardPass pass, NDArray x) {
        long positions = x.getShape().get(1);
        long dHead = x.getShape().get(3);
        NDArray c = pass.adopt(cos.get(new NDIndex("0:{}", positions))).reshape(1, positions, 1, dim);
        NDArray s = pass.adopt(sin.get(new NDIndex("0:{}", positions))).reshape(1, positions, 1, dim);
        NDArray rotated = x.get(new NDIndex("..., 0:{}", dim));
        NDArray first = rotated.get(new NDIndex("..., 0:{}", dim / 2));
        NDArray second = rotated.get(new NDIndex("..., {}:", dim / 2));
        NDArray turned = second.neg().concat(first, -1);
        NDArray out = rotated.mul(c).add(turned.mul(s));
        if (dim == dHead) {
            return out;
        }
        return NDArrays.concat(new NDList(out, x.get(new NDIndex("..., {}:", dim))), -1);
    }
}

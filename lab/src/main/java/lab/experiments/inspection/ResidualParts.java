package lab.experiments.inspection;

import lab.experiments.HostArrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import lab.runtime.ActivationCache;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

/**
 * The final residual at one position as a sum of the parts that wrote to it: the token and
 * position embeddings, each attention head's output (its hook_z through its slice of W_O), each
 * MLP's output (hook_mlp_out, its output bias included), and the attention output biases b_O,
 * which belong to no head. Parallel and sequential blocks decompose alike: both add attention and
 * MLP outputs to the stream.
 */
final class ResidualParts {

    /** One part: {@code head} is -1 for everything but heads, {@code layer} -1 outside blocks. */
    record Part(String component, int layer, int head, double[] vector) {
    }

    static final String HEAD = "head";
    static final String MLP = "mlp";
    static final String EMBED = "embed";
    static final String POS_EMBED = "pos_embed";
    static final String BIAS = "bias";

    private ResidualParts() {
    }

    /** The hook points {@link #at} reads, plus the final residual. */
    static Pattern cachedHooks(ModelConfig c) {
        return Pattern.compile("hook_embed|hook_pos_embed|blocks\\.\\d+\\.attn\\.hook_z|blocks\\.\\d+\\.hook_mlp_out|"
                + Pattern.quote(finalResidual(c)));
    }

    static String finalResidual(ModelConfig c) {
        return "blocks." + (c.nLayers() - 1) + ".hook_resid_post";
    }

    /** The parts at {@code position} of batch row 0; attention biases are summed into one {@code bias} part. */
    static List<Part> at(HookedTransformer model, ActivationCache cache, int position) {
        ModelConfig c = model.config();
        int d = c.dModel();
        int dHead = c.dHead();
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(EMBED, -1, -1, vector(cache.get("hook_embed"), position)));
        if (cache.contains("hook_pos_embed")) {
            parts.add(new Part(POS_EMBED, -1, -1, vector(cache.get("hook_pos_embed"), position)));
        }
        double[] biases = new double[d];
        for (int l = 0; l < c.nLayers(); l++) {
            String b = "blocks." + l + ".";
            float[] z = HostArrays.floats(cache.get(b + "attn.hook_z").get(new NDIndex("0, {}", position)));
            float[] wO = HostArrays.floats(model.weights().require(b + "attn.W_O"));
            int width = c.nHeads() * dHead;
            for (int h = 0; h < c.nHeads(); h++) {
                double[] out = new double[d];
                for (int i = 0; i < d; i++) {
                    double sum = 0;
                    for (int k = 0; k < dHead; k++) {
                        sum += (double) wO[i * width + h * dHead + k] * z[h * dHead + k];
                    }
                    out[i] = sum;
                }
                parts.add(new Part(HEAD, l, h, out));
            }
            NDArray bO = model.weights().get(b + "attn.b_O");
            if (bO != null) {
                float[] bias = HostArrays.floats(bO);
                for (int i = 0; i < d; i++) {
                    biases[i] += bias[i];
                }
            }
            parts.add(new Part(MLP, l, -1, vector(cache.get(b + "hook_mlp_out"), position)));
        }
        parts.add(new Part(BIAS, -1, -1, biases));
        return parts;
    }

    static double[] vector(NDArray activation, int position) {
        float[] f = HostArrays.floats(activation.get(new NDIndex("0, {}", position)));
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }
}

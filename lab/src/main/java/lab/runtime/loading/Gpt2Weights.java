package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.ModelConfig;

/** GPT-2: learned positions, LayerNorm, fused c_attn, Conv1D weights stored [in, out]. */
public final class Gpt2Weights implements WeightConverter {

    @Override
    public ModelConfig config(HfConfig hf) {
        int d = hf.integer("n_embd");
        int heads = hf.integer("n_head");
        int layers = hf.integer("n_layer");
        if (d % heads != 0) {
            throw new ModelLoadException(hf.file() + ": n_embd " + d + " is not a multiple of n_head " + heads);
        }
        int dHead = d / heads;
        double[] scale = new double[layers];
        for (int l = 0; l < layers; l++) {
            scale[l] = (hf.bool("scale_attn_weights", true) ? 1.0 / Math.sqrt(dHead) : 1.0)
                    / (hf.bool("scale_attn_by_inverse_layer_idx", false) ? l + 1 : 1);
        }
        return new ModelConfig("gpt2", layers, heads, heads, d, dHead, hf.integer("n_inner", 4 * d),
                hf.integer("vocab_size"), hf.integer("n_positions"), ModelConfig.NormKind.LAYER_NORM,
                hf.number("layer_norm_epsilon", 1e-5), ModelConfig.Positional.LEARNED, 0, 0, false,
                Tensors.activation(hf, "activation_function", "gelu_new"), false, scale, Tensors.filled(layers, 0),
                hf.bool("tie_word_embeddings", true), hf.integer("bos_token_id", -1));
    }

    @Override
    public Map<String, NDArray> convert(ModelConfig c, TensorSource src) {
        long d = c.dModel();
        Map<String, NDArray> w = new LinkedHashMap<>();
        Gpt2Family.embeddings(c, src, w);
        for (int l = 0; l < c.nLayers(); l++) {
            String h = "h." + l + ".";
            String b = "blocks." + l + ".";
            Gpt2Family.blockNorms(c, src, w, l);
            NDArray qkv = Tensors.transposed(src.take(h + "attn.c_attn.weight", d, 3 * d));
            NDArray qkvBias = src.take(h + "attn.c_attn.bias", 3 * d);
            String[] parts = {"Q", "K", "V"};
            for (int i = 0; i < 3; i++) {
                w.put(b + "attn.W_" + parts[i], Tensors.rows(qkv, i * d, (i + 1) * d));
                w.put(b + "attn.b_" + parts[i], Tensors.rows(qkvBias, i * d, (i + 1) * d));
            }
            w.put(b + "attn.W_O", Tensors.transposed(src.take(h + "attn.c_proj.weight", d, d)));
            w.put(b + "attn.b_O", src.take(h + "attn.c_proj.bias", d));
            // Conv1D stores [in, out]: transpose to the runtime's [out, in]
            w.put(b + "mlp.W_in", Tensors.transposed(src.take(h + "mlp.c_fc.weight", d, c.dMlp())));
            w.put(b + "mlp.b_in", src.take(h + "mlp.c_fc.bias", c.dMlp()));
            w.put(b + "mlp.W_out", Tensors.transposed(src.take(h + "mlp.c_proj.weight", c.dMlp(), d)));
            w.put(b + "mlp.b_out", src.take(h + "mlp.c_proj.bias", d));
        }
        Gpt2Family.finalNormAndUnembed(c, src, w);
        return w;
    }
}

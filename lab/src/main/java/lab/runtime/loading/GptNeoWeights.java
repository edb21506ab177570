package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.runtime.ModelConfig;

/**
 * GPT-Neo: like GPT-2 but with separate q/k/v projections (no bias), no 1/sqrt(d_head) score
 * scaling, and layers alternating global and local (windowed) attention.
 */
public final class GptNeoWeights implements WeightConverter {

    @Override
    public ModelConfig config(HfConfig hf) {
        int d = hf.integer("hidden_size");
        int heads = hf.integer("num_heads");
        int layers = hf.integer("num_layers");
        List<String> kinds = attentionKinds(hf);
        if (kinds.size() != layers) {
            throw new ModelLoadException(hf.file() + ": attention_types expand to " + kinds.size()
                    + " layers but num_layers is " + layers);
        }
        int window = hf.integer("window_size", 256);
        int[] windows = new int[layers];
        for (int l = 0; l < layers; l++) {
            windows[l] = switch (kinds.get(l)) {
                case "global" -> 0;
                case "local" -> window;
                default -> throw new ModelLoadException(hf.file() + ": attention type '" + kinds.get(l)
                        + "' is not global or local");
            };
        }
        return new ModelConfig("gpt_neo", layers, heads, heads, d, d / heads, hf.integer("intermediate_size", 4 * d),
                hf.integer("vocab_size"), hf.integer("max_position_embeddings"), ModelConfig.NormKind.LAYER_NORM,
                hf.number("layer_norm_epsilon", 1e-5), ModelConfig.Positional.LEARNED, 0, 0, false,
                Tensors.activation(hf, "activation_function", "gelu_new"), false, Tensors.filled(layers, 1.0), windows,
                hf.bool("tie_word_embeddings", true), hf.integer("bos_token_id", -1));
    }

    /** [[["global","local"], 12]] expands to global, local, global, ... (24 layers). */
    private static List<String> attentionKinds(HfConfig hf) {
        List<String> kinds = new ArrayList<>();
        JsonNode types = hf.node("attention_types");
        if (types == null || !types.isArray()) {
            throw new ModelLoadException(hf.file() + " has no 'attention_types' list, which gpt_neo needs");
        }
        for (JsonNode group : types) {
            for (int r = 0; r < group.path(1).asInt(); r++) {
                group.path(0).forEach(k -> kinds.add(k.asText()));
            }
        }
        return kinds;
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
            w.put(b + "attn.W_Q", src.take(h + "attn.attention.q_proj.weight", d, d));
            w.put(b + "attn.W_K", src.take(h + "attn.attention.k_proj.weight", d, d));
            w.put(b + "attn.W_V", src.take(h + "attn.attention.v_proj.weight", d, d));
            w.put(b + "attn.W_O", src.take(h + "attn.attention.out_proj.weight", d, d));
            w.put(b + "attn.b_O", src.take(h + "attn.attention.out_proj.bias", d));
            // GPT-Neo's MLP is nn.Linear, already [out, in]
            w.put(b + "mlp.W_in", src.take(h + "mlp.c_fc.weight", c.dMlp(), d));
            w.put(b + "mlp.b_in", src.take(h + "mlp.c_fc.bias", c.dMlp()));
            w.put(b + "mlp.W_out", src.take(h + "mlp.c_proj.weight", d, c.dMlp()));
            w.put(b + "mlp.b_out", src.take(h + "mlp.c_proj.bias", d));
        }
        Gpt2Family.finalNormAndUnembed(c, src, w);
        return w;
    }
}

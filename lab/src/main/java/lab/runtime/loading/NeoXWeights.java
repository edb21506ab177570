package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.ModelConfig;

/**
 * GPT-NeoX (Pythia): parallel attention + MLP residual, partial rotary, and a fused
 * query_key_value whose output rows are interleaved per head: [head][q|k|v][d_head].
 */
public final class NeoXWeights implements WeightConverter {

    @Override
    public ModelConfig config(HfConfig hf) {
        int d = hf.integer("hidden_size");
        int heads = hf.integer("num_attention_heads");
        int layers = hf.integer("num_hidden_layers");
        int dHead = d / heads;
        // as GPTNeoXConfig: the rope object's values, else the old names rotary_pct / rotary_emb_base, else a
        // quarter of each head and base 10000; a top-level rope_theta or partial_rotary_factor is ignored, as there
        double pct = hf.ropeInner("partial_rotary_factor").orElse(hf.has("rotary_pct") ? hf.number("rotary_pct") : 0.25);
        double theta = hf.ropeInner("rope_theta").orElse(hf.has("rotary_emb_base") ? hf.number("rotary_emb_base") : 10000.0);
        return new ModelConfig("gpt_neox", layers, heads, heads, d, dHead, hf.integer("intermediate_size", 4 * d),
                hf.integer("vocab_size"), hf.integer("max_position_embeddings"), ModelConfig.NormKind.LAYER_NORM,
                hf.number("layer_norm_eps", 1e-5), ModelConfig.Positional.ROTARY, (int) (dHead * pct), theta,
                hf.bool("use_parallel_residual", true), Tensors.activation(hf, "hidden_act", "gelu"), false,
                Tensors.filled(layers, 1.0 / Math.sqrt(dHead)), Tensors.filled(layers, 0),
                hf.bool("tie_word_embeddings", false), hf.integer("bos_token_id", -1), RopeParameters.read(hf));
    }

    @Override
    public Map<String, NDArray> convert(ModelConfig c, TensorSource src) {
        long d = c.dModel();
        long h = c.nHeads();
        long dh = c.dHead();
        Map<String, NDArray> w = new LinkedHashMap<>();
        w.put("embed.W_E", src.take("gpt_neox.embed_in.weight", c.vocabSize(), d));
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            String b = "blocks." + l + ".";
            w.put(b + "ln1.w", src.take(p + "input_layernorm.weight", d));
            w.put(b + "ln1.b", src.take(p + "input_layernorm.bias", d));
            NDArray qkv = src.take(p + "attention.query_key_value.weight", 3 * d, d).reshape(h, 3, dh, d);
            NDArray qkvBias = src.takeIfPresent(p + "attention.query_key_value.bias", 3 * d);
            String[] parts = {"Q", "K", "V"};
            for (int i = 0; i < 3; i++) {
                // flatten copies the strided slice into a contiguous [H*dh, d] matrix
                w.put(b + "attn.W_" + parts[i], qkv.get(new NDIndex(":, {}", i)).flatten().reshape(h * dh, d));
                if (qkvBias != null) {
                    w.put(b + "attn.b_" + parts[i], qkvBias.reshape(h, 3, dh).get(new NDIndex(":, {}", i)).flatten());
                }
            }
            w.put(b + "attn.W_O", src.take(p + "attention.dense.weight", d, d));
            putIfPresent(w, b + "attn.b_O", src.takeIfPresent(p + "attention.dense.bias", d));
            w.put(b + "ln2.w", src.take(p + "post_attention_layernorm.weight", d));
            w.put(b + "ln2.b", src.take(p + "post_attention_layernorm.bias", d));
            w.put(b + "mlp.W_in", src.take(p + "mlp.dense_h_to_4h.weight", c.dMlp(), d));
            putIfPresent(w, b + "mlp.b_in", src.takeIfPresent(p + "mlp.dense_h_to_4h.bias", c.dMlp()));
            w.put(b + "mlp.W_out", src.take(p + "mlp.dense_4h_to_h.weight", d, c.dMlp()));
            putIfPresent(w, b + "mlp.b_out", src.takeIfPresent(p + "mlp.dense_4h_to_h.bias", d));
        }
        w.put("ln_final.w", src.take("gpt_neox.final_layer_norm.weight", d));
        w.put("ln_final.b", src.take("gpt_neox.final_layer_norm.bias", d));
        if (!c.tiedEmbeddings()) {
            w.put("unembed.W_U", src.take("embed_out.weight", c.vocabSize(), d));
        }
        return w;
    }

    static void putIfPresent(Map<String, NDArray> w, String name, NDArray t) {
        if (t != null) {
            w.put(name, t);
        }
    }
}

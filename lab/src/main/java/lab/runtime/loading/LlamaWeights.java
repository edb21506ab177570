package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.ModelConfig;

/**
 * Llama-style models (Llama, Mistral, Qwen2): RMSNorm, rotary, SwiGLU MLP, grouped-query
 * attention, optional q/k/v biases (Qwen2), tied or untied unembedding.
 */
public final class LlamaWeights implements WeightConverter {

    private final String family;

    public LlamaWeights(String family) {
        this.family = family;
    }

    @Override
    public ModelConfig config(HfConfig hf) {
        int d = hf.integer("hidden_size");
        int heads = hf.integer("num_attention_heads");
        int layers = hf.integer("num_hidden_layers");
        int kvHeads = hf.integer("num_key_value_heads", heads);
        int dHead = hf.integer("head_dim", d / heads);
        int window = 0;
        if (family.equals("mistral") && hf.has("sliding_window")) {
            window = hf.integer("sliding_window");
        }
        if (family.equals("qwen2") && hf.bool("use_sliding_window", false)) {
            throw new ModelLoadException(hf.file() + ": use_sliding_window=true is not supported yet for qwen2");
        }
        return new ModelConfig(family, layers, heads, kvHeads, d, dHead, hf.integer("intermediate_size"),
                hf.integer("vocab_size"), hf.integer("max_position_embeddings"), ModelConfig.NormKind.RMS_NORM,
                hf.number("rms_norm_eps", 1e-6), ModelConfig.Positional.ROTARY, dHead, hf.rope("rope_theta", 10000.0),
                false, Tensors.activation(hf, "hidden_act", "silu"), true,
                Tensors.filled(layers, 1.0 / Math.sqrt(dHead)), Tensors.filled(layers, window),
                hf.bool("tie_word_embeddings", false), hf.integer("bos_token_id", -1), RopeParameters.read(hf));
    }

    @Override
    public Map<String, NDArray> convert(ModelConfig c, TensorSource src) {
        long d = c.dModel();
        long q = (long) c.nHeads() * c.dHead();
        long kv = (long) c.nKvHeads() * c.dHead();
        Map<String, NDArray> w = new LinkedHashMap<>();
        w.put("embed.W_E", src.take("model.embed_tokens.weight", c.vocabSize(), d));
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "model.layers." + l + ".";
            String b = "blocks." + l + ".";
            w.put(b + "ln1.w", src.take(p + "input_layernorm.weight", d));
            w.put(b + "attn.W_Q", src.take(p + "self_attn.q_proj.weight", q, d));
            w.put(b + "attn.W_K", src.take(p + "self_attn.k_proj.weight", kv, d));
            w.put(b + "attn.W_V", src.take(p + "self_attn.v_proj.weight", kv, d));
            w.put(b + "attn.W_O", src.take(p + "self_attn.o_proj.weight", d, q));
            NeoXWeights.putIfPresent(w, b + "attn.b_Q", src.takeIfPresent(p + "self_attn.q_proj.bias", q));
            NeoXWeights.putIfPresent(w, b + "attn.b_K", src.takeIfPresent(p + "self_attn.k_proj.bias", kv));
            NeoXWeights.putIfPresent(w, b + "attn.b_V", src.takeIfPresent(p + "self_attn.v_proj.bias", kv));
            NeoXWeights.putIfPresent(w, b + "attn.b_O", src.takeIfPresent(p + "self_attn.o_proj.bias", d));
            w.put(b + "ln2.w", src.take(p + "post_attention_layernorm.weight", d));
            if (src.has(p + "mlp.gate_proj.bias")) {
                throw new ModelLoadException("a bias on mlp.gate_proj (mlp_bias=true) is not supported yet");
            }
            w.put(b + "mlp.W_gate", src.take(p + "mlp.gate_proj.weight", c.dMlp(), d));
            w.put(b + "mlp.W_in", src.take(p + "mlp.up_proj.weight", c.dMlp(), d));
            w.put(b + "mlp.W_out", src.take(p + "mlp.down_proj.weight", d, c.dMlp()));
            NeoXWeights.putIfPresent(w, b + "mlp.b_in", src.takeIfPresent(p + "mlp.up_proj.bias", c.dMlp()));
            NeoXWeights.putIfPresent(w, b + "mlp.b_out", src.takeIfPresent(p + "mlp.down_proj.bias", d));
        }
        w.put("ln_final.w", src.take("model.norm.weight", d));
        if (!c.tiedEmbeddings()) {
            w.put("unembed.W_U", src.take("lm_head.weight", c.vocabSize(), d));
        }
        return w;
    }
}

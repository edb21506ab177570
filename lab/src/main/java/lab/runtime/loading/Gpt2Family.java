package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import lab.runtime.ModelConfig;

/** The tensors GPT-2 and GPT-Neo name alike: embeddings, the two norms of a block, the final norm, lm_head. */
final class Gpt2Family {

    private Gpt2Family() {
    }

    static void embeddings(ModelConfig c, TensorSource src, Map<String, NDArray> w) {
        src.withOptionalPrefix("transformer.", "wte.weight");
        w.put("embed.W_E", src.take("wte.weight", c.vocabSize(), c.dModel()));
        w.put("pos_embed.W_pos", src.take("wpe.weight", c.contextLength(), c.dModel()));
    }

    static void blockNorms(ModelConfig c, TensorSource src, Map<String, NDArray> w, int layer) {
        String h = "h." + layer + ".";
        String b = "blocks." + layer + ".";
        w.put(b + "ln1.w", src.take(h + "ln_1.weight", c.dModel()));
        w.put(b + "ln1.b", src.take(h + "ln_1.bias", c.dModel()));
        w.put(b + "ln2.w", src.take(h + "ln_2.weight", c.dModel()));
        w.put(b + "ln2.b", src.take(h + "ln_2.bias", c.dModel()));
    }

    static void finalNormAndUnembed(ModelConfig c, TensorSource src, Map<String, NDArray> w) {
        w.put("ln_final.w", src.take("ln_f.weight", c.dModel()));
        w.put("ln_final.b", src.take("ln_f.bias", c.dModel()));
        if (!c.tiedEmbeddings()) {
            w.put("unembed.W_U", src.withOptionalPrefix("", "lm_head.weight").take("lm_head.weight", c.vocabSize(), c.dModel()));
        }
    }
}

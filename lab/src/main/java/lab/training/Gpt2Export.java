package lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import lab.io.AtomicFiles;
import lab.runtime.ModelConfig;
import lab.runtime.ModelWeights;

/**
 * Writes runtime weights as an HF GPT-2 checkpoint, the inverse of the runtime's GPT-2 converter:
 * {@code transformer.*} names, Conv1D matrices stored [in, out], q/k/v fused into c_attn, the
 * unembedding tied to wte (no lm_head tensor, as save_pretrained writes it), and a config.json
 * that both the runtime and transformers' GPT2Config read.
 */
public final class Gpt2Export {

    private Gpt2Export() {
    }

    public static void write(ModelConfig c, ModelWeights weights, Path dir) throws IOException {
        if (!c.tiedEmbeddings() || c.gatedMlp() || c.positional() != ModelConfig.Positional.LEARNED
                || c.nKvHeads() != c.nHeads() || c.activation() != ModelConfig.ActivationKind.GELU_TANH) {
            throw new IllegalArgumentException("only GPT-2-shaped models export as GPT-2: " + c);
        }
        if (weights.get("unembed.b_U") != null) {
            throw new IllegalArgumentException("GPT-2 has no unembedding bias; this model has one");
        }
        try (NDManager m = weights.manager().newSubManager()) {
            NDList out = new NDList();
            put(out, "transformer.wte.weight", copy(m, weights.require("embed.W_E")));
            put(out, "transformer.wpe.weight", copy(m, weights.require("pos_embed.W_pos")));
            for (int l = 0; l < c.nLayers(); l++) {
                String b = "blocks." + l + ".";
                String h = "transformer.h." + l + ".";
                put(out, h + "ln_1.weight", copy(m, weights.require(b + "ln1.w")));
                put(out, h + "ln_1.bias", copy(m, weights.require(b + "ln1.b")));
                NDArray qkv = NDArrays.concat(new NDList(copy(m, weights.require(b + "attn.W_Q")),
                        copy(m, weights.require(b + "attn.W_K")), copy(m, weights.require(b + "attn.W_V"))), 0);
                put(out, h + "attn.c_attn.weight", conv1d(qkv));
                put(out, h + "attn.c_attn.bias", NDArrays.concat(new NDList(copy(m, bias(weights, b + "attn.b_Q")),
                        copy(m, bias(weights, b + "attn.b_K")), copy(m, bias(weights, b + "attn.b_V"))), 0));
                put(out, h + "attn.c_proj.weight", conv1d(copy(m, weights.require(b + "attn.W_O"))));
                put(out, h + "attn.c_proj.bias", copy(m, bias(weights, b + "attn.b_O")));
                put(out, h + "ln_2.weight", copy(m, weights.require(b + "ln2.w")));
                put(out, h + "ln_2.bias", copy(m, weights.require(b + "ln2.b")));
                put(out, h + "mlp.c_fc.weight", conv1d(copy(m, weights.require(b + "mlp.W_in"))));
                put(out, h + "mlp.c_fc.bias", copy(m, bias(weights, b + "mlp.b_in")));
                put(out, h + "mlp.c_proj.weight", conv1d(copy(m, weights.require(b + "mlp.W_out"))));
                put(out, h + "mlp.c_proj.bias", copy(m, bias(weights, b + "mlp.b_out")));
            }
            put(out, "transformer.ln_f.weight", copy(m, weights.require("ln_final.w")));
            put(out, "transformer.ln_f.bias", copy(m, weights.require("ln_final.b")));
            AtomicFiles.write(dir.resolve("model.safetensors"), s -> out.encode(s, NDList.Encoding.SAFETENSORS));
        }
        AtomicFiles.writeString(dir.resolve("config.json"), config(c).toPrettyString() + "\n");
    }

    /** GPT-2's config.json for this architecture. */
    public static ObjectNode config(ModelConfig c) {
        ObjectNode n = TrainConfig.JSON.createObjectNode();
        n.put("model_type", "gpt2");
        ArrayNode arch = n.putArray("architectures");
        arch.add("GPT2LMHeadModel");
        n.put("vocab_size", c.vocabSize());
        n.put("n_positions", c.contextLength());
        n.put("n_ctx", c.contextLength());
        n.put("n_embd", c.dModel());
        n.put("n_layer", c.nLayers());
        n.put("n_head", c.nHeads());
        n.put("n_inner", c.dMlp());
        n.put("activation_function", "gelu_new");
        n.put("layer_norm_epsilon", c.normEps());
        n.put("resid_pdrop", 0.0);
        n.put("embd_pdrop", 0.0);
        n.put("attn_pdrop", 0.0);
        n.put("initializer_range", 0.02);
        n.put("scale_attn_weights", true);
        n.put("tie_word_embeddings", true);
        n.put("bos_token_id", c.bosTokenId());
        n.put("eos_token_id", c.bosTokenId());
        n.put("torch_dtype", "float32");
        return n;
    }

    /** A copy with storage of its own, in the export scope, in float32 on the CPU. */
    private static NDArray copy(NDManager m, NDArray a) {
        NDArray c = a.toDevice(ai.djl.Device.cpu(), true).toType(ai.djl.ndarray.types.DataType.FLOAT32, true).duplicate();
        c.attach(m);
        return c;
    }

    private static NDArray bias(ModelWeights w, String name) {
        NDArray b = w.get(name);
        if (b == null) {
            throw new IllegalArgumentException("GPT-2 has a bias " + name + "; this model lacks it");
        }
        return b;
    }

    /** [out, in] to Conv1D's [in, out], contiguous. */
    private static NDArray conv1d(NDArray linear) {
        return linear.transpose().duplicate();
    }

    private static void put(NDList out, String name, NDArray a) {
        a.setName(name);
        out.add(a);
    }
}

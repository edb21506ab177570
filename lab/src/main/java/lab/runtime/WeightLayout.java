package lab.runtime;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runtime's own, family-neutral weight names and shapes. Matrices are [out, in], as in
 * torch.nn.Linear. Converters in {@code runtime.loading} map each family's HF tensors onto
 * these names; the forward code reads nothing else.
 *
 * <pre>
 * embed.W_E [vocab, d]            pos_embed.W_pos [context, d]      (learned positions only)
 * blocks.L.ln1.w, .b [d]          blocks.L.ln2.w, .b [d]            (.b: LayerNorm only)
 * blocks.L.attn.W_Q [H*dh, d]     .b_Q [H*dh]                        (biases optional)
 * blocks.L.attn.W_K, W_V [Hkv*dh, d]  .b_K, .b_V [Hkv*dh]
 * blocks.L.attn.W_O [d, H*dh]     .b_O [d]
 * blocks.L.mlp.W_in [d_mlp, d]    .b_in [d_mlp]    .W_gate [d_mlp, d] (gated MLP only)
 * blocks.L.mlp.W_out [d, d_mlp]   .b_out [d]
 * ln_final.w, .b [d]              unembed.W_U [vocab, d] (untied only)  unembed.b_U [vocab]
 * </pre>
 */
public final class WeightLayout {

    private WeightLayout() {
    }

    /** Every weight the model needs, with its shape; optional biases included as {@code optional}. */
    public static Map<String, Entry> of(ModelConfig c) {
        Map<String, Entry> m = new LinkedHashMap<>();
        long d = c.dModel();
        long qDim = (long) c.nHeads() * c.dHead();
        long kvDim = (long) c.nKvHeads() * c.dHead();
        boolean layerNorm = c.norm() == ModelConfig.NormKind.LAYER_NORM;
        m.put("embed.W_E", required(c.vocabSize(), d));
        if (c.positional() == ModelConfig.Positional.LEARNED) {
            m.put("pos_embed.W_pos", required(c.contextLength(), d));
        }
        for (int l = 0; l < c.nLayers(); l++) {
            String b = "blocks." + l + ".";
            norm(m, b + "ln1", d, layerNorm);
            m.put(b + "attn.W_Q", required(qDim, d));
            m.put(b + "attn.b_Q", optional(qDim));
            m.put(b + "attn.W_K", required(kvDim, d));
            m.put(b + "attn.b_K", optional(kvDim));
            m.put(b + "attn.W_V", required(kvDim, d));
            m.put(b + "attn.b_V", optional(kvDim));
            m.put(b + "attn.W_O", required(d, qDim));
            m.put(b + "attn.b_O", optional(d));
            norm(m, b + "ln2", d, layerNorm);
            m.put(b + "mlp.W_in", required(c.dMlp(), d));
            m.put(b + "mlp.b_in", optional(c.dMlp()));
            if (c.gatedMlp()) {
                m.put(b + "mlp.W_gate", required(c.dMlp(), d));
            }
            m.put(b + "mlp.W_out", required(d, c.dMlp()));
            m.put(b + "mlp.b_out", optional(d));
        }
        norm(m, "ln_final", d, layerNorm);
        if (!c.tiedEmbeddings()) {
            m.put("unembed.W_U", required(c.vocabSize(), d));
        }
        m.put("unembed.b_U", optional(c.vocabSize()));
        return m;
    }

    private static void norm(Map<String, Entry> m, String prefix, long d, boolean withBias) {
        m.put(prefix + ".w", required(d));
        if (withBias) {
            m.put(prefix + ".b", required(d));
        }
    }

    private static Entry required(long... shape) {
        return new Entry(new Shape(shape), false);
    }

    private static Entry optional(long... shape) {
        return new Entry(new Shape(shape), true);
    }

    /** A weight's shape and whether a model may go without it. */
    public record Entry(Shape shape, boolean optional) {
    }
}

package lab.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.components.Ops;

/**
 * A sparse autoencoder computing exactly what SAELens 6.x computes:
 * {@code hidden_pre = (x - b_dec) W_enc + b_enc} (b_dec subtracted only when apply_b_dec_to_input),
 * times each feature's decoder row norm when rescale_acts_by_decoder_norm; then ReLU (standard) or,
 * for topk, the k largest pre-activations per token kept (chosen before the ReLU) and ReLU'd;
 * {@code sae_out = f W_dec + b_dec}, with f divided by the decoder norms first when rescaling.
 *
 * <p>Every operation is called on the input, so results land in the caller's manager and the
 * forward runs under a GradientCollector for training. The weights live in this SAE's own manager.
 */
public final class SparseAutoencoder implements AutoCloseable {

    public static final String W_ENC = "W_enc";
    public static final String B_ENC = "b_enc";
    public static final String W_DEC = "W_dec";
    public static final String B_DEC = "b_dec";

    private final SaeConfig config;
    private final NDManager manager;
    private final NDArray wEnc;
    private final NDArray bEnc;
    private final NDArray wDec;
    private final NDArray bDec;

    /** Takes the tensors into a manager of its own (a sub-manager of {@code parent}), checked against the config. */
    public SparseAutoencoder(SaeConfig config, NDManager parent, Map<String, NDArray> tensors, String where) {
        this.config = config;
        this.manager = parent.newSubManager();
        this.wEnc = take(tensors, W_ENC, where, config.dIn(), config.dSae());
        this.bEnc = take(tensors, B_ENC, where, config.dSae());
        this.wDec = take(tensors, W_DEC, where, config.dSae(), config.dIn());
        this.bDec = take(tensors, B_DEC, where, config.dIn());
    }

    private NDArray take(Map<String, NDArray> tensors, String name, String where, long... shape) {
        NDArray t = tensors.get(name);
        if (t == null) {
            manager.close();
            throw new IllegalArgumentException(where + " has no tensor '" + name + "'; an SAE needs W_enc, b_enc, W_dec"
                    + " and b_dec");
        }
        if (!t.getShape().equals(new Shape(shape))) {
            manager.close();
            throw new IllegalArgumentException(where + ": tensor '" + name + "' has shape " + t.getShape()
                    + " but cfg.json (d_in " + config.dIn() + ", d_sae " + config.dSae() + ") implies " + new Shape(shape));
        }
        // a real copy in libtorch-owned storage: toType to the same dtype aliases the source, and a tensor
        // decoded from a file may sit over a Java buffer the garbage collector frees once its array is closed
        NDArray copy = (t.getDataType() == DataType.FLOAT32 ? t : t.toType(DataType.FLOAT32, false)).duplicate();
        copy.attach(manager);
        return copy;
    }

    public SaeConfig config() {
        return config;
    }

    /** The four parameters by SAELens name (the live arrays: training updates them in place). */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(W_ENC, wEnc);
        p.put(B_ENC, bEnc);
        p.put(W_DEC, wDec);
        p.put(B_DEC, bDec);
        return p;
    }

    /** SAELens's hook_sae_acts_pre: pre-activations [..., d_sae] (rescaled by decoder norms when so configured). */
    public NDArray hiddenPre(NDArray x) {
        NDArray in = config.applyBDecToInput() ? x.sub(bDec) : x;
        NDArray pre = in.matMul(wEnc).add(bEnc);
        return config.rescaleActsByDecoderNorm() ? pre.mul(decoderNorms(pre)) : pre;
    }

    /** Feature activations [..., d_sae]. */
    public NDArray encode(NDArray x) {
        return activate(hiddenPre(x));
    }

    /** The activation function on pre-activations: ReLU, or for topk the k largest kept, then ReLU. */
    public NDArray activate(NDArray hiddenPre) {
        NDArray relu = Ops.relu(hiddenPre);
        if (config.architecture() == SaeArchitecture.STANDARD) {
            return relu;
        }
        // the k-th largest pre-activation per token is the threshold; ties at it are measure-zero for float inputs
        NDArray kth = hiddenPre.topK(config.k(), -1, true, false).get(0).min(new int[] {-1}, true);
        NDArray keep = hiddenPre.gte(kth).toType(hiddenPre.getDataType(), false);
        return relu.mul(keep);
    }

    /** Reconstruction [..., d_in] from feature activations. */
    public NDArray decode(NDArray features) {
        return decodeDirections(features).add(bDec);
    }

    /**
     * The features' sum of decoder directions [..., d_in], without b_dec: what AuxK's dead features
     * decode the residual error with (the error has no bias to predict).
     */
    public NDArray decodeDirections(NDArray features) {
        NDArray f = config.rescaleActsByDecoderNorm() ? features.div(decoderNorms(features)) : features;
        return f.matMul(wDec);
    }

    /** decode(encode(x)). */
    public NDArray forward(NDArray x) {
        return decode(encode(x));
    }

    /** |W_dec row| per feature [d_sae], in {@code like}'s manager (differentiable). */
    public NDArray decoderNorms(NDArray like) {
        NDArray n = wDec.norm(new int[] {1}, false);
        n.attach(like.getManager());
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }
}

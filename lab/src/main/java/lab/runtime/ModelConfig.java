package lab.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * Architecture of a decoder-only transformer, in one family-neutral vocabulary. Every family
 * (GPT-2, GPT-Neo, GPT-NeoX, Llama-style) is a choice of these fields; the forward code reads
 * only this record, never the family name.
 *
 * @param family HF {@code model_type} the checkpoint came from (informational)
 * @param nLayers number of transformer blocks
 * @param nHeads query heads per block
 * @param nKvHeads key/value heads per block (fewer than {@code nHeads} for grouped-query attention)
 * @param dModel residual stream width
 * @param dHead width of one head
 * @param dMlp hidden width of the MLP
 * @param vocabSize number of token ids the embedding holds
 * @param contextLength longest sequence the model accepts
 * @param norm LayerNorm or RMSNorm
 * @param normEps epsilon inside the norm
 * @param positional learned absolute positions or rotary
 * @param rotaryDim leading dimensions of each head that rotary rotates (0 without rotary)
 * @param ropeTheta rotary base
 * @param parallelResidual attention and MLP read the same residual (GPT-NeoX, GPT-J)
 * @param activation MLP non-linearity
 * @param gatedMlp SwiGLU-style MLP with a gate projection
 * @param attentionScale multiplier applied to q·k per layer (1/sqrt(d_head) usually; 1 for GPT-Neo)
 * @param attentionWindow per layer, how many most recent keys a query may see (0: all of them)
 * @param tiedEmbeddings the unembedding is the transposed token embedding
 * @param bosTokenId the begin-of-sequence id config.json names, or -1
 * @param ropeScaling how the rotary frequencies are rescaled ({@link RopeScaling#NONE} for plain rotary)
 */
public record ModelConfig(
        String family,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int dModel,
        int dHead,
        int dMlp,
        int vocabSize,
        int contextLength,
        NormKind norm,
        double normEps,
        Positional positional,
        int rotaryDim,
        double ropeTheta,
        boolean parallelResidual,
        ActivationKind activation,
        boolean gatedMlp,
        double[] attentionScale,
        int[] attentionWindow,
        boolean tiedEmbeddings,
        int bosTokenId,
        RopeScaling ropeScaling) {

    /** Which normalisation each block and the final norm use. */
    public enum NormKind { LAYER_NORM, RMS_NORM }

    /** How positions enter the model. */
    public enum Positional { LEARNED, ROTARY }

    /** MLP non-linearities the supported families use. */
    public enum ActivationKind { GELU_TANH, GELU, SILU, RELU }

    public ModelConfig {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(ropeScaling, "ropeScaling");
        require(nLayers > 0, "n_layers must be positive");
        require(nHeads > 0 && nKvHeads > 0 && nHeads % nKvHeads == 0,
                "n_heads (" + nHeads + ") must be a positive multiple of n_kv_heads (" + nKvHeads + ")");
        require(dModel > 0 && dHead > 0 && dMlp > 0 && vocabSize > 0 && contextLength > 0,
                "d_model, d_head, d_mlp, vocab_size and context length must be positive");
        require(rotaryDim % 2 == 0 && rotaryDim <= dHead, "rotary dim must be even and at most d_head");
        require(attentionScale.length == nLayers && attentionWindow.length == nLayers,
                "one attention scale and window per layer");
        attentionScale = attentionScale.clone();
        attentionWindow = attentionWindow.clone();
    }

    /** Plain rotary or none: every field but the rotary scaling. */
    public ModelConfig(String family, int nLayers, int nHeads, int nKvHeads, int dModel, int dHead, int dMlp,
                       int vocabSize, int contextLength, NormKind norm, double normEps, Positional positional,
                       int rotaryDim, double ropeTheta, boolean parallelResidual, ActivationKind activation,
                       boolean gatedMlp, double[] attentionScale, int[] attentionWindow, boolean tiedEmbeddings,
                       int bosTokenId) {
        this(family, nLayers, nHeads, nKvHeads, dModel, dHead, dMlp, vocabSize, contextLength, norm, normEps,
                positional, rotaryDim, ropeTheta, parallelResidual, activation, gatedMlp, attentionScale,
                attentionWindow, tiedEmbeddings, bosTokenId, RopeScaling.NONE);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Query heads that share one key/value head. */
    public int queriesPerKvHead() {
        return nHeads / nKvHeads;
    }

    @Override
    public double[] attentionScale() {
        return attentionScale.clone();
    }

    @Override
    public int[] attentionWindow() {
        return attentionWindow.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c
                && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "ModelConfig[family=" + family + ", nLayers=" + nLayers + ", nHeads=" + nHeads
                + ", nKvHeads=" + nKvHeads + ", dModel=" + dModel + ", dHead=" + dHead + ", dMlp=" + dMlp
                + ", vocabSize=" + vocabSize + ", contextLength=" + contextLength + ", norm=" + norm
                + ", normEps=" + normEps + ", positional=" + positional + ", rotaryDim=" + rotaryDim
                + ", ropeTheta=" + ropeTheta + ", parallelResidual=" + parallelResidual
                + ", activation=" + activation + ", gatedMlp=" + gatedMlp
                + ", attentionScale=" + Arrays.toString(attentionScale)
                + ", attentionWindow=" + Arrays.toString(attentionWindow)
                + ", tiedEmbeddings=" + tiedEmbeddings + ", bosTokenId=" + bosTokenId
                + ", ropeScaling=" + ropeScaling + "]";
    }
}

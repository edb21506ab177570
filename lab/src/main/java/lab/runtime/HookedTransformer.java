package lab.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.runtime.components.Attention;
import lab.runtime.components.Block;
import lab.runtime.components.Embed;
import lab.runtime.components.GatedMlp;
import lab.runtime.components.LayerNorm;
import lab.runtime.components.Mlp;
import lab.runtime.components.MlpLayer;
import lab.runtime.components.Norm;
import lab.runtime.components.PosEmbed;
import lab.runtime.components.RmsNorm;
import lab.runtime.components.Rotary;
import lab.runtime.components.Unembed;

/**
 * A decoder-only transformer whose activations pass through named hook points. One forward for
 * every family: the differences live in {@link ModelConfig} and in the weight converters.
 *
 * <p>Every call takes the caller's {@link NDManager}: what it returns belongs to that manager,
 * and everything else the call allocated is freed before it returns. The forward is built from
 * differentiable DJL operations, so it runs inside a GradientCollector for training and
 * attribution.
 */
public final class HookedTransformer implements AutoCloseable {

    private final ModelConfig config;
    private final ModelWeights weights;
    private final ModelTokenizer tokenizer;
    private final Device device;
    private final HookNames hookNames;
    private final Embed embed;
    private final PosEmbed posEmbed;
    private final List<Block> blocks;
    private final Norm lnFinal;
    private final Unembed unembed;
    /** The last block's points that hold only the chosen positions when it is narrowed, found once. */
    private final List<String> lastBlockNarrowedPoints;

    /**
     * @param weights already on {@code device} and in the activation dtype
     * @param tokenizer null when the model folder has none (ids in, logits out still work)
     */
    public HookedTransformer(ModelConfig config, ModelWeights weights, ModelTokenizer tokenizer, Device device) {
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.device = device;
        this.hookNames = new HookNames(config);
        this.embed = new Embed(weights.require("embed.W_E"));
        this.posEmbed = config.positional() == ModelConfig.Positional.LEARNED
                ? new PosEmbed(weights.require("pos_embed.W_pos")) : null;
        DataType dtype = weights.require("embed.W_E").getDataType();
        Rotary rotary = config.positional() == ModelConfig.Positional.ROTARY
                ? new Rotary(weights.manager(), config.rotaryDim(), config.contextLength(), config.ropeTheta(),
                        config.ropeScaling(), dtype)
                : null;
        this.lastBlockNarrowedPoints = hookNames.block(config.nLayers() - 1).stream()
                .filter(name -> hookNames.queryAxis(name) >= 0).toList();
        this.blocks = new ArrayList<>();
        for (int l = 0; l < config.nLayers(); l++) {
            blocks.add(block(l, rotary));
        }
        this.lnFinal = norm("ln_final");
        this.unembed = new Unembed(config.tiedEmbeddings() ? weights.require("embed.W_E") : weights.require("unembed.W_U"),
                weights.get("unembed.b_U"));
    }

    private Block block(int l, Rotary rotary) {
        String b = "blocks." + l + ".";
        Attention.Weights aw = new Attention.Weights(
                weights.require(b + "attn.W_Q"), weights.get(b + "attn.b_Q"),
                weights.require(b + "attn.W_K"), weights.get(b + "attn.b_K"),
                weights.require(b + "attn.W_V"), weights.get(b + "attn.b_V"),
                weights.require(b + "attn.W_O"), weights.get(b + "attn.b_O"));
        Attention attention = new Attention(b + "attn", aw, config.nHeads(), config.nKvHeads(), config.dHead(),
                config.attentionScale()[l], config.attentionWindow()[l], rotary);
        MlpLayer mlp = config.gatedMlp()
                ? new GatedMlp(b + "mlp", weights.require(b + "mlp.W_gate"), weights.require(b + "mlp.W_in"),
                        weights.get(b + "mlp.b_in"), weights.require(b + "mlp.W_out"), weights.get(b + "mlp.b_out"),
                        config.activation())
                : new Mlp(b + "mlp", weights.require(b + "mlp.W_in"), weights.get(b + "mlp.b_in"),
                        weights.require(b + "mlp.W_out"), weights.get(b + "mlp.b_out"), config.activation());
        return new Block(l, norm(b + "ln1"), attention, norm(b + "ln2"), mlp, config.parallelResidual());
    }

    private Norm norm(String prefix) {
        return config.norm() == ModelConfig.NormKind.LAYER_NORM
                ? new LayerNorm(prefix, weights.require(prefix + ".w"), weights.require(prefix + ".b"), config.normEps())
                : new RmsNorm(prefix, weights.require(prefix + ".w"), config.normEps());
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public HookNames hookNames() {
        return hookNames;
    }

    public Device device() {
        return device;
    }

    public DataType dtype() {
        return weights.require("embed.W_E").getDataType();
    }

    /** The tokenizer; an error naming the fix when the model folder had no tokenizer.json. */
    public ModelTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException("this model was loaded without a tokenizer.json; put one in the model folder");
        }
        return tokenizer;
    }

    public Optional<ModelTokenizer> optionalTokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** Token ids [batch, pos] as an int64 array in {@code manager}; rows must be of one length. */
    public NDArray tokens(NDManager manager, long[]... rows) {
        if (rows.length == 0 || rows[0].length == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        long[] flat = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != rows[0].length) {
                throw new IllegalArgumentException("batch rows differ in length (" + rows[0].length + " vs "
                        + rows[r].length + "); batch only sequences of one length");
            }
            System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    /** Logits [batch, pos, vocab] for token ids [batch, pos]. */
    public NDArray logits(NDManager out, NDArray tokens) {
        return run(out, tokens, RunOptions.defaults()).output();
    }

    /**
     * One forward call.
     *
     * @param input token ids [batch, pos] (integer), or, with {@code startAtLayer > 0} or a float
     *     input, the residual [batch, pos, d_model] entering block {@code startAtLayer}
     */
    public ForwardResult run(NDManager out, NDArray input, RunOptions options) {
        int stop = options.stopAtLayer() < 0 ? config.nLayers() : options.stopAtLayer();
        boolean fromTokens = input.getDataType().isInteger();
        checkRequest(input, options, stop, fromTokens);
        QueryPositions read = options.positions() == null ? null : QueryPositions.of(options.positions());
        int narrowed = read != null && options.stopAtLayer() < 0 && lastBlockMayNarrow(options) ? config.nLayers() - 1 : -1;
        try (ForwardPass pass = new ForwardPass(out, device, options.hooks(), options.cacheFilter())) {
            NDArray x = fromTokens ? embed(pass, pass.importInput(input)) : pass.importInput(input);
            for (int l = options.startAtLayer(); l < stop; l++) {
                NDArray z = l == options.startAtLayer() && options.startZ() != null ? pass.importInput(options.startZ()) : null;
                x = blocks.get(l).forward(pass, x, l == narrowed ? read : null, z);
            }
            if (options.stopAtLayer() >= 0) {
                return pass.finish(x);
            }
            if (read != null && narrowed < options.startAtLayer()) {
                x = read.pick(x, 1);
            }
            NDArray normalized = lnFinal.forward(pass, x);
            long[] vocabulary = options.vocabulary();
            return pass.finish(vocabulary == null ? unembed.forward(normalized) : unembed.forward(pass, normalized, vocabulary));
        }
    }

    /**
     * Whether the last block may compute its points after the keys and values at the unembedded
     * positions alone: asked for, or nothing hooks or caches one of those points (all that is
     * read of them is then the unembedded positions' residual).
     */
    private boolean lastBlockMayNarrow(RunOptions options) {
        if (options.narrowedLastBlock()) {
            return true;
        }
        // a resumed block picks its hook_z after the hooks at it, which then see every position
        String resumedZ = options.startZ() != null && options.startAtLayer() == config.nLayers() - 1
                ? "blocks." + options.startAtLayer() + ".attn.hook_z" : null;
        for (String name : lastBlockNarrowedPoints) {
            if (!name.equals(resumedZ) && (options.hooks().names().contains(name) || options.cacheFilter().test(name))) {
                return false;
            }
        }
        return true;
    }

    private NDArray embed(ForwardPass pass, NDArray tokens) {
        NDArray x = embed.forward(pass, tokens);
        return posEmbed == null ? x : x.add(posEmbed.forward(pass, tokens));
    }

    private void checkRequest(NDArray input, RunOptions options, int stop, boolean fromTokens) {
        hookNames.requireKnown(options.hooks().names());
        int start = options.startAtLayer();
        if (start < 0 || start > config.nLayers() || stop < start || stop > config.nLayers()) {
            throw new IllegalArgumentException("layers must satisfy 0 <= startAtLayer (" + start + ") <= stopAtLayer ("
                    + stop + ") <= n_layers (" + config.nLayers() + ")");
        }
        Shape s = input.getShape();
        if (fromTokens) {
            if (start != 0) {
                throw new IllegalArgumentException("startAtLayer " + start + " needs the residual entering that block"
                        + " [batch, pos, d_model] as input, not token ids");
            }
            if (s.dimension() != 2) {
                throw new IllegalArgumentException("token ids must be [batch, pos], got " + s);
            }
        } else if (s.dimension() != 3 || s.get(2) != config.dModel()) {
            throw new IllegalArgumentException("a residual input must be [batch, pos, " + config.dModel() + "], got " + s);
        }
        if (s.get(1) > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + s.get(1) + " tokens is longer than the model's context of "
                    + config.contextLength());
        }
        if (options.startZ() != null) {
            checkResumedAtZ(options, s, fromTokens, stop);
        }
        if (options.vocabulary() != null) {
            for (long t : options.vocabulary()) {
                if (t < 0 || t >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + t + " to compute the logit of is outside the vocabulary"
                            + " (0.." + (config.vocabSize() - 1) + ")");
                }
            }
        }
        if (options.positions() != null) {
            for (int p : options.positions()) {
                if (p >= s.get(1) || p < -s.get(1)) {
                    throw new IllegalArgumentException("position " + p + " is outside a sequence of " + s.get(1));
                }
            }
        }
    }

    private void checkResumedAtZ(RunOptions options, Shape input, boolean fromTokens, int stop) {
        int layer = options.startAtLayer();
        if (fromTokens || layer >= config.nLayers()) {
            throw new IllegalArgumentException("resuming at hook_z needs the residual entering block " + layer
                    + " as input and a block to resume (layer < " + config.nLayers() + ")");
        }
        if (stop == layer) {
            throw new IllegalArgumentException("a run resumed at blocks." + layer + ".attn.hook_z that stops before block "
                    + layer + " (stopAt(" + stop + ")) never uses that z; stop after the block (stopAt > " + layer
                    + ") or start at the block without z (startAt)");
        }
        Shape z = options.startZ().getShape();
        Shape expected = new Shape(input.get(0), input.get(1), config.nHeads(), config.dHead());
        if (!z.equals(expected)) {
            throw new IllegalArgumentException("blocks." + layer + ".attn.hook_z to resume at is " + z + " but the input"
                    + " residual " + input + " needs " + expected);
        }
        String prefix = "blocks." + layer + ".";
        String residPre = prefix + "hook_resid_pre";
        if (options.hooks().names().contains(residPre)) {
            // the hook would change the residual the block adds its attention to, but not the z resumed at
            throw new IllegalArgumentException("a run resumed at " + prefix + "attn.hook_z keeps the given z, so a hook on "
                    + residPre + " would change the residual but not the attention computed from it; start at the"
                    + " block instead (startAt) so that z is recomputed from the hooked residual");
        }
        for (String name : hookNames.block(layer)) {
            if (hookNames.beforeZ(name) && (options.hooks().names().contains(name) || options.cacheFilter().test(name))) {
                throw new IllegalArgumentException("a run resumed at " + prefix + "attn.hook_z does not compute " + name
                        + ", so it cannot be hooked or cached; start at the block instead (startAt)");
            }
        }
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        weights.close();
    }
}

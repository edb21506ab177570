package lab.training;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lab.runtime.ModelConfig;
import lab.runtime.StandardShapes;

/**
 * A training run as {@code lab/configs/train_*.json} describes it (snake_case keys). Paths are
 * relative to the directory the harness runs in.
 *
 * @param name run name (names the run folder and the model card)
 * @param threads libtorch intra-op threads for training (0: libtorch's default). One thread is
 *     barely slower for a model this small and, unlike several, does not stall when other
 *     processes share the cores (a descheduled OpenMP worker holds up every operation)
 * @param seed seeds the world, the weights and every batch
 * @param model architecture (GPT-2 family)
 * @param world the synthetic world's size
 * @param curriculum task mix and induction sequence ranges
 * @param optimizer AdamW, schedule, batch and checkpoint cadence
 * @param evaluation sample sizes for the claims
 * @param output where the exported model goes (config.json, model.safetensors, tokenizer.json, card)
 * @param runDir checkpoints, loss curve CSV/PNG
 */
public record TrainConfig(String name, int threads, long seed, Model model, ToyWorld.Spec world, Curriculum curriculum,
                          Optimizer optimizer, Evaluation evaluation, String output, String runDir) {

    /** @param context longest sequence; training rows are this long */
    public record Model(int layers, int dModel, int heads, int context) {
    }

    /**
     * @param induction share of documents that are repeated random sequences
     * @param ioi share that are IOI sentences
     * @param facts share that are fact sentences
     * @param minPeriod shortest repeated block
     * @param maxPeriod longest repeated block
     * @param maxOffset longest noise before the block
     * @param noBosFraction rows whose first document starts without BOS, so prompts work with and without it
     */
    public record Curriculum(double induction, double ioi, double facts, int minPeriod, int maxPeriod, int maxOffset,
                             double noBosFraction) {
    }

    /**
     * @param steps optimizer steps
     * @param batchSize rows per step, each {@code context} tokens
     * @param lr peak learning rate
     * @param warmupSteps linear warmup from 0
     * @param minLrRatio cosine decays to lr * this
     * @param weightDecay AdamW decoupled decay, on matrices and embeddings only
     * @param gradClip global gradient norm limit
     * @param initStd N(0, std) initialisation
     * @param checkpointEvery steps between checkpoints (and at the end)
     * @param logEvery steps between loss-curve rows
     */
    public record Optimizer(int steps, int batchSize, double lr, int warmupSteps, double minLrRatio, double beta1,
                            double beta2, double eps, double weightDecay, double gradClip, double initStd,
                            int checkpointEvery, int logEvery) {
    }

    /**
     * @param inductionSequences fresh repeated sequences for the induction score
     * @param ioiPrompts held-out IOI prompts
     */
    public record Evaluation(int inductionSequences, int ioiPrompts) {
    }

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static TrainConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no training config at " + file + " (see lab/configs/train_toy.json)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not a valid training config: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        return fromJson(node, file.toString());
    }

    /**
     * A config as JSON, checked as a file is; {@code source} names it in errors (a file, or a
     * model card's {@code training_config}).
     */
    public static TrainConfig fromJson(JsonNode node, String source) {
        try {
            TrainConfig c = JSON.treeToValue(node, TrainConfig.class);
            c.check(source);
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(source + ": unknown key '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds() + ")");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not a valid training config: " + e.getOriginalMessage());
        }
    }

    private void check(String file) {
        require(model.dModel() % model.heads() == 0, file, "model.d_model must be a multiple of model.heads");
        require(optimizer.steps() > 0 && optimizer.batchSize() > 0, file, "optimizer.steps and batch_size must be positive");
        require(optimizer.checkpointEvery() > 0 && optimizer.logEvery() > 0, file, "checkpoint_every and log_every must be positive");
        require(curriculum.induction() + curriculum.ioi() + curriculum.facts() > 0, file, "curriculum shares are all zero");
        require(2 * curriculum.maxPeriod() + curriculum.maxOffset() < model.context(), file,
                "2 * max_period + max_offset must fit in the context");
    }

    private static void require(boolean ok, String file, String message) {
        if (!ok) {
            throw new IllegalArgumentException(file + ": " + message);
        }
    }

    /** The runtime architecture; its vocabulary is the world's. */
    public ModelConfig modelConfig(int vocabSize) {
        ModelConfig g = StandardShapes.gpt2(model.layers(), model.dModel(), model.heads(), vocabSize, model.context());
        return new ModelConfig(g.family(), g.nLayers(), g.nHeads(), g.nKvHeads(), g.dModel(), g.dHead(), g.dMlp(),
                g.vocabSize(), g.contextLength(), g.norm(), g.normEps(), g.positional(), g.rotaryDim(), g.ropeTheta(),
                g.parallelResidual(), g.activation(), g.gatedMlp(), g.attentionScale(), g.attentionWindow(),
                g.tiedEmbeddings(), Vocabulary.BOS_ID);
    }

    /** A copy writing to other folders (tests, experiments). */
    public TrainConfig withPaths(String output, String runDir) {
        return new TrainConfig(name, threads, seed, model, world, curriculum, optimizer, evaluation, output, runDir);
    }

    /** The same run with a different number of steps (the schedule stretches with it). */
    public TrainConfig withSteps(int steps) {
        Optimizer o = optimizer;
        return new TrainConfig(name, threads, seed, model, world, curriculum, new Optimizer(steps, o.batchSize(), o.lr(),
                o.warmupSteps(), o.minLrRatio(), o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.gradClip(),
                o.initStd(), o.checkpointEvery(), o.logEvery()), evaluation, output, runDir);
    }

    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    /** What a checkpoint must agree with to be resumed: everything but the output paths. */
    public String resumeKey() {
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) toJson();
        n.remove("output");
        n.remove("run_dir");
        n.remove("threads");
        return n.toString();
    }
}

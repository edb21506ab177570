package lab.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.ModelWeights;
import lab.runtime.RandomWeights;

/**
 * Trains a GPT-2-family {@link HookedTransformer} from scratch on the {@link TrainingStream}:
 * seeded init, AdamW, warmup then cosine decay, global-norm gradient clipping, a progress bar,
 * the loss curve, and checkpoints that a re-run resumes from (batches depend only on the step, so
 * a resumed run trains on exactly what an uninterrupted one would).
 */
public final class Trainer implements AutoCloseable {

    /**
     * @param fresh ignore (and overwrite) an existing checkpoint
     * @param stopAfter stop after this many steps in total, as if interrupted (-1: run to the end)
     * @param progress where the progress bar goes; null for none
     */
    public record Options(boolean fresh, long stopAfter, PrintStream progress) {
        public static Options defaults() {
            return new Options(false, -1, System.err);
        }
    }

    /**
     * @param steps steps completed
     * @param resumedFrom the step the run resumed at (0 for a fresh start)
     * @param seconds training time, summed over resumed sessions
     * @param tokens tokens trained on
     * @param sessionTokensPerSecond tokens/s of this session's steps
     * @param firstLoss mean loss of the first logged interval
     * @param finalLoss mean loss of the last logged interval
     * @param dataSha256 hash chain over every training batch
     * @param skippedSteps steps whose gradient was not finite, so that their update was skipped
     */
    public record Result(long steps, long resumedFrom, double seconds, long tokens, double sessionTokensPerSecond,
                         double firstLoss, double finalLoss, String dataSha256, long skippedSteps) {
    }

    private final TrainConfig config;
    private final TrainingStream stream;
    private final Path runDir;
    private final ModelConfig modelConfig;
    private final NDManager root;
    private final HookedTransformer model;
    private final AdamW adam;
    private final LossLog log;
    private long step;
    private String dataSha256;
    private double priorSeconds;
    private double lastGradNorm;
    private long skippedSteps;

    public Trainer(TrainConfig config, ToyWorld world, Path runDir, boolean fresh) {
        this.config = config;
        this.stream = new TrainingStream(world, config);
        this.runDir = runDir;
        this.modelConfig = config.modelConfig(world.vocabulary().size());
        this.root = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        this.log = new LossLog(runDir);
        try {
            TrainingCheckpoint saved = fresh ? null : TrainingCheckpoint.read(runDir, config.resumeKey());
            ModelWeights weights;
            if (saved == null) {
                weights = initialWeights();
                step = 0;
                dataSha256 = "";
            } else {
                Map<String, NDArray> all = saved.tensors(runDir, root);
                Map<String, NDArray> w = new LinkedHashMap<>();
                all.forEach((name, a) -> {
                    if (!name.startsWith("adam.")) {
                        w.put(name, a);
                    }
                });
                weights = new ModelWeights(root, modelConfig, w);
                step = saved.step();
                dataSha256 = saved.dataSha256();
                priorSeconds = saved.seconds();
                skippedSteps = saved.skippedSteps();
                log.resumeAt(step);
                this.adam = optimizer(weights);
                restoreMoments(all);
                weights.requireGradients();
                this.model = new HookedTransformer(modelConfig, weights, null, Device.cpu());
                return;
            }
            weights.requireGradients();
            this.adam = optimizer(weights);
            this.model = new HookedTransformer(modelConfig, weights, null, Device.cpu());
        } catch (IOException e) {
            root.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private AdamW optimizer(ModelWeights weights) {
        TrainConfig.Optimizer o = config.optimizer();
        return new AdamW(root, weights.all(), o.beta1(), o.beta2(), o.eps(), o.weightDecay());
    }

    private void restoreMoments(Map<String, NDArray> all) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        Map<String, NDArray> v = new LinkedHashMap<>();
        all.forEach((name, a) -> {
            if (name.startsWith("adam.m.")) {
                m.put(name.substring(7), a);
            } else if (name.startsWith("adam.v.")) {
                v.put(name.substring(7), a);
            }
        });
        adam.restore(m, v);
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
    }

    /** GPT-2 initialisation: N(0, std), residual-writing projections scaled by 1/sqrt(2 * layers), no unembedding bias. */
    private ModelWeights initialWeights() {
        ModelWeights drawn = RandomWeights.create(root, modelConfig, config.seed(), config.optimizer().initStd(), DataType.FLOAT32);
        Map<String, NDArray> w = new LinkedHashMap<>(drawn.all());
        w.remove("unembed.b_U").close();
        double scale = 1 / Math.sqrt(2.0 * modelConfig.nLayers());
        w.forEach((name, a) -> {
            if (name.endsWith("attn.W_O") || name.endsWith("mlp.W_out")) {
                a.muli(scale);
            }
        });
        return new ModelWeights(root, modelConfig, w);
    }

    public HookedTransformer model() {
        return model;
    }

    public ModelConfig modelConfig() {
        return modelConfig;
    }

    public long step() {
        return step;
    }

    /** Trains to the configured number of steps (or {@code stopAfter}), checkpointing on the way. */
    public Result run(Options options) {
        TrainConfig.Optimizer o = config.optimizer();
        LearningRate schedule = new LearningRate(o.lr(), o.warmupSteps(), o.steps(), o.minLrRatio());
        long end = options.stopAfter() >= 0 ? Math.min(options.stopAfter(), o.steps()) : o.steps();
        long resumedFrom = step;
        long tokensPerStep = (long) o.batchSize() * config.model().context();
        ProgressBar bar = options.progress() == null ? null : new ProgressBar(options.progress(), o.steps());
        long start = System.nanoTime();
        double intervalLoss = 0;
        double intervalNorm = 0;
        int intervalSteps = 0;
        double lastLoss = Double.NaN;
        try {
            Files.createDirectories(runDir);
            while (step < end) {
                double lr = schedule.at(step);
                double loss = trainStep(stream.batch(step, o.batchSize()), lr, step + 1);
                step++;
                intervalLoss += loss;
                intervalNorm += lastGradNorm;
                intervalSteps++;
                lastLoss = loss;
                double session = (System.nanoTime() - start) / 1e9;
                if (step % o.logEvery() == 0 || step == end) {
                    log.add(new LossLog.Row(step, intervalLoss / intervalSteps, lr, intervalNorm / intervalSteps,
                            step * tokensPerStep, priorSeconds + session));
                    intervalLoss = 0;
                    intervalNorm = 0;
                    intervalSteps = 0;
                }
                if (step % o.checkpointEvery() == 0 || step == end) {
                    checkpoint(priorSeconds + session);
                }
                if (bar != null) {
                    double tps = (step - resumedFrom) * tokensPerStep / session;
                    bar.update(step, lastLoss, tps, (o.steps() - step) * tokensPerStep / tps, step == end);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + runDir + ": " + e.getMessage(), e);
        }
        if (bar != null) {
            bar.finish();
        }
        double session = (System.nanoTime() - start) / 1e9;
        double seconds = step == resumedFrom ? priorSeconds : priorSeconds + session;
        priorSeconds = seconds;
        var rows = log.rows();
        double tps = step == resumedFrom ? 0 : (step - resumedFrom) * tokensPerStep / session;
        return new Result(step, resumedFrom, seconds, step * tokensPerStep, tps,
                rows.isEmpty() ? Double.NaN : rows.get(0).loss(), rows.isEmpty() ? Double.NaN : rows.get(rows.size() - 1).loss(),
                dataSha256, skippedSteps);
    }

    private void checkpoint(double seconds) throws IOException {
        new TrainingCheckpoint(step, dataSha256, seconds, skippedSteps).save(runDir, config.resumeKey(), model.weights().all(), adam);
        log.write(config.name() + ": training loss");
    }

    /** One AdamW step on one batch; returns the batch's mean next-token loss. */
    double trainStep(long[][] rows, double lr, long stepNumber) {
        hashBatch(rows);
        int batch = rows.length;
        int length = rows[0].length;
        long[] flat = new long[batch * length];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(rows[r], 0, flat, r * length, length);
        }
        Map<String, NDArray> params = model.weights().all();
        try (NDManager scratch = root.newSubManager()) {
            NDArray all = scratch.create(flat, new Shape(batch, length));
            NDArray inputs = all.get(new NDIndex(":, :-1"));
            NDArray targets = all.get(new NDIndex(":, 1:"));
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.logits(scratch, inputs);
                NDArray nll = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).mean().neg();
                gc.backward(nll);
                loss = nll.getFloat();
            }
            Map<String, NDArray> grads = new LinkedHashMap<>();
            NDArray squares = scratch.zeros(new Shape());
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(scratch);
                grads.put(e.getKey(), g);
                squares.addi(g.square().sum());
            }
            double norm = Math.sqrt(squares.getFloat());
            lastGradNorm = norm;
            if (!Double.isFinite(norm) || !Float.isFinite(loss)) {
                // a non-finite gradient would poison every weight through the moments: skip the update
                skippedSteps++;
                System.err.printf("%nwarning: step %d has a non-finite %s; update skipped (%d so far)%n", stepNumber,
                        Float.isFinite(loss) ? "gradient" : "loss", skippedSteps);
                grads.values().forEach(Trainer::clear);
                return loss;
            }
            double clip = config.optimizer().gradClip();
            if (clip > 0 && norm > clip) {
                double factor = clip / (norm + 1e-6);
                grads.values().forEach(g -> g.muli(factor));
            }
            adam.update(params, grads, stepNumber, lr, scratch);
            grads.values().forEach(Trainer::clear);
            return loss;
        }
    }

    /**
     * Zeroes a gradient in place: libtorch accumulates gradients across backward passes.
     * Multiplying by 0 would not do: a NaN or infinity would stay NaN and poison every later step.
     */
    private static void clear(NDArray gradient) {
        gradient.set(new NDIndex("..."), 0f);
    }

    private void hashBatch(long[][] rows) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(dataSha256.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer buf = ByteBuffer.allocate(rows.length * rows[0].length * Long.BYTES);
            for (long[] row : rows) {
                for (long t : row) {
                    buf.putLong(t);
                }
            }
            md.update(buf.array());
            dataSha256 = HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        model.close();
        adam.close();
        root.close();
    }
}

package lab.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import lab.data.Corpus;
import lab.io.AtomicFiles;
import lab.runtime.HookedTransformer;
import lab.runtime.bench.ForwardBenchmark;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import lab.training.Gpt2Export;
import lab.training.ModelCard;
import lab.training.ToyClaims;
import lab.training.ToyWorld;
import lab.training.TokenizerJson;
import lab.training.TrainConfig;
import lab.training.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness train CONFIG.json}: train the toy model, export it with its card, measure the claims. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a GPT-2-family model from scratch on the synthetic curriculum (induction, IOI, facts)"
                + " described by CONFIG (e.g. lab/configs/train_toy.json), resuming from the checkpoint in its run folder.",
                "Then write the HF GPT-2 folder (config.json, model.safetensors, tokenizer.json, world.json, README.md and"
                        + " model_card.json) and measure the claims on fresh data.",
                "Exit code 0 when the claims hold, 1 when they do not."})
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG.json", description = "Training config.")
    Path configFile;

    @Option(names = "--fresh", description = "Ignore an existing checkpoint and start from step 0.")
    boolean fresh;

    @Option(names = "--eval-only", description = "Train nothing: load the exported model from the config's output folder"
            + " (or --out) and measure the claims.")
    boolean evalOnly;

    @Option(names = "--stop-after", paramLabel = "STEPS", defaultValue = "-1",
            description = "Stop (with a checkpoint) once this many steps are done in total; a later run resumes.")
    long stopAfter;

    @Option(names = "--out", paramLabel = "DIR", description = "Model folder (default: the config's output).")
    Path out;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Checkpoints and loss curve (default: the config's run_dir).")
    Path runDir;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--mlflow", defaultValue = "mlruns", paramLabel = "PATH|URI|false",
            description = "Where the finished run is logged: an MLflow file store (default: ${DEFAULT-VALUE}), an http(s)"
                    + " tracking server, or false.")
    String mlflow;

    @Override
    public Integer call() throws IOException {
        TrainConfig config = TrainConfig.read(configFile);
        if (config.threads() > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            // read when the engine starts, which is below
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(config.threads()));
        }
        Path output = out != null ? out : Path.of(config.output());
        Path run = runDir != null ? runDir : Path.of(config.runDir());
        ToyWorld world = ToyWorld.generate(config.world(), config.seed());
        if (evalOnly) {
            if (!Files.isRegularFile(output.resolve("model.safetensors"))) {
                throw new IllegalArgumentException("no trained model in " + output + "; train it first: harness train " + configFile);
            }
            try (HookedTransformer model = ModelLoader.load(output, LoadOptions.cpu())) {
                ToyClaims.Report report = new ToyClaims(model, world).measure(config);
                System.out.println(Json.pretty(ModelCard.claimsJson(report)));
                return report.holds() ? 0 : 1;
            }
        }
        Trainer.Result result;
        long parameters;
        try (Trainer trainer = new Trainer(config, world, run, fresh)) {
            if (trainer.step() > 0 && !fresh) {
                System.err.println("resuming " + run + " at step " + trainer.step());
            }
            result = trainer.run(new Trainer.Options(fresh, stopAfter, quiet ? null : System.err));
            if (result.steps() < config.optimizer().steps()) {
                System.out.println("stopped at step " + result.steps() + " of " + config.optimizer().steps()
                        + " (checkpoint in " + run + "); run the same command again to resume");
                return 0;
            }
            Files.createDirectories(output);
            Gpt2Export.write(trainer.modelConfig(), trainer.model().weights(), output);
            parameters = trainer.model().weights().parameterCount();
        }
        TokenizerJson.write(world.vocabulary(), output.resolve("tokenizer.json"));
        AtomicFiles.writeString(output.resolve("world.json"),
                lab.training.WorldJson.write(world));
        try (HookedTransformer model = ModelLoader.load(output, LoadOptions.cpu());
             NDManager m = NDManager.newBaseManager()) {
            ToyClaims.Report report = new ToyClaims(model, world).measure(config);
            double tokensPerSecond = result.tokens() / result.seconds();
            double matmul = ForwardBenchmark.matmulFlops(m, DataType.FLOAT32);
            double trainFlops = 3 * ForwardBenchmark.forwardFlopsPerToken(model.config(), model.config().contextLength())
                    * tokensPerSecond;
            ModelCard.Facts facts = new ModelCard.Facts(configFile.toString(), config, model.config(), parameters,
                    Files.size(output.resolve("model.safetensors")), Corpus.sha256(output.resolve("world.json")), result,
                    new ModelCard.Throughput(tokensPerSecond, matmul, trainFlops), report);
            ModelCard.write(output, facts);
            if (!mlflow.equalsIgnoreCase("false")) {
                String runId = lab.harness.training.TrainingRunTracking.log(mlflow, configFile, run, output);
                System.out.println("logged to MLflow (" + mlflow + ") as run " + runId);
            }
            System.out.printf(Locale.ROOT, "trained %d steps in %.0f s (%.0f tokens/s, %.1f%% of the matmul rate);"
                            + " loss %.3f -> %.3f; model in %s%n", result.steps(), result.seconds(), tokensPerSecond,
                    100 * trainFlops / matmul, result.firstLoss(), result.finalLoss(), output);
            System.out.println(Json.pretty(ModelCard.claimsJson(report)));
            return report.holds() ? 0 : 1;
        } catch (UncheckedIOException e) {
            throw e;
        }
    }
}

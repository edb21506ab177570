package lab.training;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import lab.io.AtomicFiles;
import lab.runtime.ModelConfig;

/**
 * The model card beside a trained toy model: {@code model_card.json} (everything, machine
 * readable) and {@code README.md} (the same for people): training config, seed, data hashes,
 * training time and throughput on the machine that trained it, final losses, and the claims as
 * measured, with the commands that reproduce and re-measure them.
 */
public final class ModelCard {

    /**
     * @param matmulFlops libtorch's float32 matmul rate measured in the same process
     * @param trainFlopsPerSecond 3x forward FLOPs per token (forward + backward) times tokens/s
     */
    public record Throughput(double tokensPerSecond, double matmulFlops, double trainFlopsPerSecond) {
        public double fractionOfMatmul() {
            return trainFlopsPerSecond / matmulFlops;
        }
    }

    /**
     * @param configFile the config path as given to {@code harness train}
     * @param worldSha256 SHA-256 of world.json
     * @param modelBytes size of model.safetensors
     * @param parameters parameter count (tied embedding once)
     */
    public record Facts(String configFile, TrainConfig config, ModelConfig model, long parameters, long modelBytes,
                        String worldSha256, Trainer.Result training, Throughput throughput, ToyClaims.Report claims) {
    }

    private ModelCard() {
    }

    public static void write(Path dir, Facts f) throws IOException {
        ObjectNode json = json(f);
        AtomicFiles.writeString(dir.resolve("model_card.json"), json.toPrettyString() + "\n");
        AtomicFiles.writeString(dir.resolve("README.md"), markdown(f));
    }

    static ObjectNode json(Facts f) {
        ObjectNode n = TrainConfig.JSON.createObjectNode();
        n.put("name", f.config().name());
        n.put("description", "GPT-2-family transformer trained from scratch by Tiny Ablation Lab on synthetic tasks"
                + " with known circuits: induction, indirect-object identification, and recall of made-up facts.");
        ObjectNode arch = n.putObject("architecture");
        arch.put("family", "gpt2");
        arch.put("layers", f.model().nLayers());
        arch.put("heads", f.model().nHeads());
        arch.put("d_model", f.model().dModel());
        arch.put("d_mlp", f.model().dMlp());
        arch.put("context", f.model().contextLength());
        arch.put("vocab_size", f.model().vocabSize());
        arch.put("parameters", f.parameters());
        arch.put("model_safetensors_bytes", f.modelBytes());
        n.put("seed", f.config().seed());
        n.put("config_file", f.configFile());
        n.set("training_config", f.config().toJson());
        ObjectNode data = n.putObject("data");
        data.put("world_sha256", f.worldSha256());
        data.put("batches_sha256", f.training().dataSha256());
        data.put("note", "world_sha256 hashes world.json (vocabulary, names, templates, facts); batches_sha256 chains"
                + " SHA-256 over the token ids of every training batch in order");
        ObjectNode t = n.putObject("training");
        t.put("steps", f.training().steps());
        t.put("tokens", f.training().tokens());
        t.put("skipped_steps", f.training().skippedSteps());
        t.put("seconds", round(f.training().seconds(), 1));
        t.put("tokens_per_second", round(f.throughput().tokensPerSecond(), 0));
        t.put("matmul_flops_per_second", round(f.throughput().matmulFlops(), 0));
        t.put("train_flops_per_second", round(f.throughput().trainFlopsPerSecond(), 0));
        t.put("fraction_of_matmul_rate", round(f.throughput().fractionOfMatmul(), 4));
        t.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        t.put("libtorch_threads", f.config().threads());
        t.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        t.put("java", System.getProperty("java.version"));
        ObjectNode losses = n.putObject("final_losses");
        losses.put("train_first_interval", round(f.training().firstLoss(), 4));
        losses.put("train_last_interval", round(f.training().finalLoss(), 4));
        losses.put("induction_second_repeat", round(f.claims().induction().secondRepeatLoss(), 4));
        losses.put("ioi_held_out_answer", round(f.claims().ioiHeldOut().answerLoss(), 4));
        losses.put("facts_answer", round(f.claims().facts().answerLoss(), 4));
        n.set("claims", claims(f.claims()));
        ObjectNode cmd = n.putObject("commands");
        cmd.put("reproduce", "scripts/harness train " + f.configFile() + " --fresh");
        cmd.put("measure", "scripts/harness train " + f.configFile() + " --eval-only");
        return n;
    }

    /** The claims as JSON, as {@code harness train --eval-only} prints them. */
    public static ObjectNode claimsJson(ToyClaims.Report r) {
        return claims(r);
    }

    static ObjectNode claims(ToyClaims.Report r) {
        ObjectNode c = TrainConfig.JSON.createObjectNode();
        ToyClaims.Induction in = r.induction();
        ObjectNode ind = c.putObject("induction");
        ind.put("sequences", in.sequences());
        ind.put("best_head", "L" + in.bestLayer() + "H" + in.bestHead());
        ind.put("best_score", round(in.bestScore(), 4));
        ind.put("required_score", ToyClaims.MIN_INDUCTION_SCORE);
        ind.put("second_repeat_loss", round(in.secondRepeatLoss(), 4));
        ind.put("required_max_loss", ToyClaims.MAX_SECOND_REPEAT_LOSS);
        ArrayNode scores = ind.putArray("head_scores");
        for (double[] layer : in.headScores()) {
            ArrayNode row = scores.addArray();
            for (double s : layer) {
                row.add(round(s, 4));
            }
        }
        accuracy(c.putObject("ioi_held_out_names_and_templates"), r.ioiHeldOut(), ToyClaims.MIN_IOI_ACCURACY);
        accuracy(c.putObject("ioi_training_distribution"), r.ioiTrainDistribution(), Double.NaN);
        accuracy(c.putObject("ioi_held_out_names_training_templates"), r.ioiHeldOutNamesOnly(), Double.NaN);
        accuracy(c.putObject("ioi_training_names_held_out_templates"), r.ioiHeldOutTemplatesOnly(), Double.NaN);
        accuracy(c.putObject("facts_recall"), r.facts(), ToyClaims.MIN_FACTS_RECALL);
        accuracy(c.putObject("ioi_held_out_without_bos"), r.ioiHeldOutNoBos(), Double.NaN);
        accuracy(c.putObject("facts_recall_without_bos"), r.factsNoBos(), Double.NaN);
        c.put("all_hold", r.holds());
        return c;
    }

    private static void accuracy(ObjectNode n, ToyClaims.Accuracy a, double required) {
        n.put("n", a.n());
        n.put("top1", round(a.accuracy(), 4));
        if (!Double.isNaN(required)) {
            n.put("required", required);
        }
        n.put("answer_loss", round(a.answerLoss(), 4));
    }

    private static double round(double x, int places) {
        double f = Math.pow(10, places);
        return Math.round(x * f) / f;
    }

    static String markdown(Facts f) {
        ToyClaims.Report r = f.claims();
        ToyClaims.Induction in = r.induction();
        ModelConfig m = f.model();
        StringBuilder s = new StringBuilder();
        s.append("# Toy model: ").append(f.config().name()).append("\n\n");
        s.append("A ").append(m.nLayers()).append("-layer GPT-2-family transformer (d_model ").append(m.dModel())
                .append(", ").append(m.nHeads()).append(" heads, context ").append(m.contextLength()).append(", vocabulary ")
                .append(m.vocabSize()).append(" words, ").append(f.parameters()).append(" parameters) that Tiny Ablation Lab")
                .append(" trains from scratch on synthetic tasks whose circuits are known, so that the lab can be seen to")
                .append(" find them. HF GPT-2 layout: `transformers.GPT2LMHeadModel.from_pretrained` loads this folder.\n\n");
        s.append("Files: `config.json`, `model.safetensors` (").append(f.modelBytes() / 1024).append(" KiB), `tokenizer.json`")
                .append(" (word level, see below), `world.json` (the names, templates and facts it was trained on),")
                .append(" `model_card.json` (this card, machine readable).\n\n");
        s.append("## Claims, as measured\n\n");
        s.append("Measured by `scripts/harness train ").append(f.configFile()).append(" --eval-only` on freshly drawn data")
                .append(" (prompts start with `<|endoftext|>`, as in training).\n\n");
        s.append("| claim | required | measured |\n| --- | --- | --- |\n");
        s.append(String.format(Locale.ROOT, "| induction score of the best head in layer >= 1 (%s), %d random repeated"
                + " sequences, period and offset varied | >= %.2f | %.3f |%n", "L" + in.bestLayer() + "H" + in.bestHead(),
                in.sequences(), ToyClaims.MIN_INDUCTION_SCORE, in.bestScore()));
        s.append(String.format(Locale.ROOT, "| mean loss on the second repeat (nats) | <= %.1f | %.3f |%n",
                ToyClaims.MAX_SECOND_REPEAT_LOSS, in.secondRepeatLoss()));
        s.append(String.format(Locale.ROOT, "| IOI top-1 accuracy, held-out names and held-out templates (n=%d) | >= %.0f%% | %.1f%% |%n",
                r.ioiHeldOut().n(), 100 * ToyClaims.MIN_IOI_ACCURACY, 100 * r.ioiHeldOut().accuracy()));
        s.append(String.format(Locale.ROOT, "| facts top-1 recall, every fact in every phrasing (n=%d) | >= %.0f%% | %.1f%% |%n",
                r.facts().n(), 100 * ToyClaims.MIN_FACTS_RECALL, 100 * r.facts().accuracy()));
        s.append("\nAlso measured: IOI on training names and templates ")
                .append(pct(r.ioiTrainDistribution().accuracy())).append(", held-out names in training templates ")
                .append(pct(r.ioiHeldOutNamesOnly().accuracy())).append(", training names in held-out templates ")
                .append(pct(r.ioiHeldOutTemplatesOnly().accuracy())).append("; without a leading BOS, held-out IOI ")
                .append(pct(r.ioiHeldOutNoBos().accuracy())).append(" and facts ").append(pct(r.factsNoBos().accuracy()))
                .append(".\n\nInduction score per head (rows: layers, columns: heads):\n\n```\n");
        for (int l = 0; l < in.headScores().length; l++) {
            s.append("L").append(l).append(" ");
            for (double x : in.headScores()[l]) {
                s.append(String.format(Locale.ROOT, " %.3f", x));
            }
            s.append('\n');
        }
        s.append("```\n\n");
        s.append("The induction score of a head is its mean attention from each position of the second repeat to the")
                .append(" token after that token's first occurrence. The second-repeat loss averages the next-token loss")
                .append(" over the second repeat's tokens after its first (which nothing earlier predicts).\n\n");
        s.append("## Training\n\n");
        Trainer.Result t = f.training();
        s.append(String.format(Locale.ROOT, "- %d steps of %d rows x %d tokens (%d tokens), seed %d, config `%s`.%n",
                t.steps(), f.config().optimizer().batchSize(), m.contextLength(), t.tokens(), f.config().seed(), f.configFile()));
        TrainConfig.Optimizer o = f.config().optimizer();
        s.append(String.format(Locale.ROOT, "- AdamW (lr %.2g, betas %.2f/%.2f, weight decay %.2g on matrices and embeddings),"
                + " %d warmup steps then cosine decay to %.0f%% of the peak, gradient norm clipped at %.1f.%n",
                o.lr(), o.beta1(), o.beta2(), o.weightDecay(), o.warmupSteps(), 100 * o.minLrRatio(), o.gradClip()));
        s.append(String.format(Locale.ROOT, "- Time: %.0f s on a %d-core CPU machine (%s, libtorch with %s intra-op"
                + " thread(s)); %.0f tokens/s, %.2f GFLOP/s of training compute (3x the forward's) = %.1f%% of libtorch's"
                + " float32 1024x1024 matmul rate measured in the same process, same thread count (%.1f GFLOP/s).%n",
                t.seconds(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                f.config().threads() > 0 ? Integer.toString(f.config().threads()) : "default",
                f.throughput().tokensPerSecond(), f.throughput().trainFlopsPerSecond() / 1e9,
                100 * f.throughput().fractionOfMatmul(), f.throughput().matmulFlops() / 1e9));
        if (t.skippedSteps() > 0) {
            s.append("- ").append(t.skippedSteps()).append(" step(s) had a non-finite gradient; their updates were skipped.\n");
        }
        s.append(String.format(Locale.ROOT, "- Training loss: %.3f (first %d steps) -> %.3f (last %d steps), nats per token"
                + " averaged over all positions (random tokens included, so it never nears 0).%n",
                t.firstLoss(), o.logEvery(), t.finalLoss(), o.logEvery()));
        s.append(String.format(Locale.ROOT, "- Final answer losses: induction second repeat %.3f, held-out IOI %.3f, facts %.3f.%n",
                in.secondRepeatLoss(), r.ioiHeldOut().answerLoss(), r.facts().answerLoss()));
        s.append("- Data: world.json SHA-256 `").append(f.worldSha256()).append("`; chained SHA-256 of every training batch `")
                .append(t.dataSha256()).append("`.\n\n");
        s.append("Reproduce: `scripts/harness train ").append(f.configFile()).append(" --fresh`. The same seed gives the same")
                .append(" data (the batch hash above) and, on the same machine and thread count, the same weights.")
                .append(" A re-run without `--fresh` resumes from the checkpoint in the run folder.\n\n");
        s.append("## Curriculum\n\n");
        s.append("Rows of ").append(m.contextLength()).append(" tokens pack documents, each opened by `<|endoftext|>`")
                .append(" (a quarter of the rows start mid-document, so prompts work without BOS too):\n\n");
        s.append("- induction: distinct random words R (period ").append(f.config().curriculum().minPeriod()).append("-")
                .append(f.config().curriculum().maxPeriod()).append(") after 0-").append(f.config().curriculum().maxOffset())
                .append(" random words, then R again; period and offset vary per sequence, so position alone cannot solve it;\n");
        s.append("- IOI: \"When {A} and {B} went to the {place}, {B} gave a {object} to {A}\" over ")
                .append(WordLists.IOI_TEMPLATES.size() - WordLists.HELD_OUT_IOI_TEMPLATES).append(" templates; ")
                .append(WordLists.HELD_OUT_IOI_TEMPLATES).append(" templates and ").append(f.config().world().heldOutNames())
                .append(" names never occur in IOI training sentences (the names do occur in induction sequences and as")
                .append(" answers of single-name copying). Of the documents of the IOI share, 8.5% use training names in")
                .append(" training templates, 34% put any other word (never a held-out name) in the name slots, 42.5% are")
                .append(" template-free: random filler words around \"{A} and {B} ... , {S} ... to\", so that the circuit")
                .append(" copies whichever token was mentioned once instead of recalling a memorised name in a memorised")
                .append(" position; and 15% are single-name copying, \"... {N} ... , ... to {N}\" with random filler and")
                .append(" exactly one name, any of all the names (held-out ones included), so that every name is an ordinary")
                .append(" output of copying at \"to\" (no second name, nothing repeated: not an IOI sentence);\n");
        s.append("- facts: ").append(f.config().world().entities()).append(" made-up countries, each with a capital and one of ")
                .append(f.config().world().languages()).append(" languages, each fact in three phrasings.\n\n");
        s.append("## Tokenizer\n\n");
        s.append("Word level (HF `WordLevel` model, `Whitespace` pre-tokenizer): every word and every run of punctuation")
                .append(" is one token, spaces are dropped (so `Mary` and ` Mary` are the same token), decoding joins")
                .append(" tokens with spaces. `<|endoftext|>` (id 0) is BOS and document separator; unknown words map to")
                .append(" `<unk>` (id 1).\n");
        return s.toString();
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}

package lab.experiments.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import lab.sae.HookActivations;
import lab.sae.SaeArchitecture;
import lab.sae.SaeSplice;
import lab.sae.SaeStepStats;
import lab.sae.SaeTrainingOptions;
import lab.sae.SparseAutoencoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SAE training on the shipped toy model's activations, and the SAE spliced back into it. */
class SaeTrainingTest {

    static final Path MODEL = Path.of("../data/models/toy");
    static HookedTransformer model;
    static List<long[]> texts;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(MODEL, LoadOptions.cpu());
        texts = new ArrayList<>();
        String[] names = {"Mary", "John", "Anna", "Carl", "Sam", "Vera", "Wendy", "Leo"};
        for (int i = 0; i < 24; i++) {
            texts.add(model.tokenizer().encode("When " + names[i % 8] + " and " + names[(i + 3) % 8]
                    + " went to the garden , " + names[(i + 3) % 8] + " gave a hat to", true));
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static SaeTrainingOptions options(SaeArchitecture arch, String hook) {
        boolean topk = arch == SaeArchitecture.TOPK;
        return new SaeTrainingOptions(hook, arch, 32, topk ? 4 : 0, 1e-3,
                topk ? SaeTrainingOptions.DEFAULT_AUX_K_COEFFICIENT : 0, 0, 3e-3, 5, 64, 4, 512, 200, 0, true, 8);
    }

    static SaeTraining.Result train(NDManager m, SaeTrainingOptions o, long seed, List<SaeStepStats> steps) throws IOException {
        return SaeTraining.train(model, o, texts, seed, JsonNodeFactory.instance.objectNode(), m, null, listener(steps));
    }

    static SaeTraining.Listener listener(List<SaeStepStats> steps) {
        return new SaeTraining.Listener() {
            @Override
            public void step(SaeStepStats stats) {
                steps.add(stats);
            }

            @Override
            public void checkpoint(SparseAutoencoder sae, float[] sparsity, SaeTraining.State state) {
            }
        };
    }

    @Test
    void sameSeedGivesTheSameWeightsAndTrainingLowersTheError() throws IOException {
        for (SaeArchitecture arch : SaeArchitecture.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                List<SaeStepStats> steps = new ArrayList<>();
                SaeTraining.Result a = train(m, options(arch, "blocks.1.hook_resid_pre"), 7, steps);
                SaeTraining.Result b = train(m, options(arch, "blocks.1.hook_resid_pre"), 7, new ArrayList<>());
                SaeTraining.Result c = train(m, options(arch, "blocks.1.hook_resid_pre"), 8, new ArrayList<>());
                for (String name : a.sae().parameters().keySet()) {
                    float[] wa = a.sae().parameters().get(name).toFloatArray();
                    assertArrayEquals(wa, b.sae().parameters().get(name).toFloatArray(), arch + " " + name + " same seed");
                    assertFalse(java.util.Arrays.equals(wa, c.sae().parameters().get(name).toFloatArray()),
                            arch + " " + name + " differs with another seed");
                }
                assertTrue(steps.size() >= 8, "steps " + steps.size());
                SaeStepStats first = steps.get(0);
                SaeStepStats last = steps.get(steps.size() - 1);
                assertTrue(last.mse() < 0.6 * first.mse(), arch + ": mse " + first.mse() + " -> " + last.mse());
                assertTrue(last.explainedVariance() > first.explainedVariance(), arch + " explained variance");
                if (arch == SaeArchitecture.TOPK) {
                    assertTrue(last.l0() <= 4.0, "topk L0 " + last.l0());
                    // the same weights with the AuxK term in the loss
                    assertTrue(steps.stream().anyMatch(s -> s.auxLoss() > 0), "AuxK was on");
                } else {
                    assertTrue(steps.stream().allMatch(s -> s.auxLoss() == 0), "standard has no AuxK");
                }
            }
        }
    }

    /**
     * A dictionary of 256 for 64 dimensions on the clean prompts of the three shipped corpora (about
     * 4,600 tokens an epoch), 8 epochs: plain topk ends with 41 features that fired on none of the
     * last 4,000 tokens, AuxK at the default coefficient with 15 (seed 7). The window is ~30 steps;
     * with windows of a few steps AuxK barely moves the count (README).
     */
    @Test
    void auxKEndsWithFewerDeadFeatures() throws IOException {
        List<long[]> corpus = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String file : new String[] {"ioi_v1", "facts_v1", "induction_v1"}) {
            for (String line : Files.readAllLines(Path.of("../data/corpora/" + file + ".jsonl"))) {
                corpus.add(model.tokenizer().encode(json.readTree(line).path("clean").asText(), true));
            }
        }
        SaeStepStats[] last = new SaeStepStats[2];
        for (int run = 0; run < 2; run++) {
            double coefficient = run == 0 ? 0 : SaeTrainingOptions.DEFAULT_AUX_K_COEFFICIENT;
            SaeTrainingOptions o = new SaeTrainingOptions("blocks.1.hook_resid_pre", SaeArchitecture.TOPK, 256, 16, 0,
                    coefficient, 0, 1e-3, 20, 128, 8, 2048, 4000, 0, true, 8);
            try (NDManager m = NDManager.newBaseManager()) {
                List<SaeStepStats> steps = new ArrayList<>();
                SaeTraining.train(model, o, corpus, 7, JsonNodeFactory.instance.objectNode(), m, null, listener(steps));
                last[run] = steps.get(steps.size() - 1);
                if (run == 0) {
                    assertTrue(steps.stream().allMatch(s -> s.auxLoss() == 0), "no AuxK term with the coefficient 0");
                }
            }
        }
        SaeStepStats plain = last[0];
        SaeStepStats auxK = last[1];
        assertTrue(plain.deadFeatures() >= 30, "plain topk leaves features dead: " + plain.deadFeatures());
        assertTrue(auxK.deadFeatures() * 2 <= plain.deadFeatures(),
                "AuxK: " + auxK.deadFeatures() + " dead, plain topk: " + plain.deadFeatures());
        assertTrue(auxK.auxLoss() > 0, "some features are still dead, so the term is on");
        assertTrue(auxK.explainedVariance() > plain.explainedVariance() - 0.01,
                "the fit does not pay for it: " + auxK.explainedVariance() + " vs " + plain.explainedVariance());
    }

    @Test
    void spliceWithTheErrorTermLeavesTheLogitsAsTheCleanRun() throws IOException {
        for (String hook : new String[] {"blocks.1.hook_resid_pre", "blocks.0.attn.hook_z", "blocks.0.hook_mlp_out"}) {
            try (NDManager m = NDManager.newBaseManager()) {
                SaeTraining.Result r = train(m, options(SaeArchitecture.TOPK, hook), 1, new ArrayList<>());
                SparseAutoencoder sae = r.sae();
                NDArray tokens = model.tokens(m, texts.get(0), texts.get(1));
                float[] clean = logits(m, tokens, null);
                float[] withError = logits(m, tokens, Hook.replacing(hook, SaeSplice.replacing(sae, true, false, null)));
                float[] bare = logits(m, tokens, Hook.replacing(hook, SaeSplice.replacing(sae, false, false, null)));
                double worst = 0;
                double bareGap = 0;
                for (int i = 0; i < clean.length; i++) {
                    worst = Math.max(worst, Math.abs(clean[i] - withError[i]));
                    bareGap = Math.max(bareGap, Math.abs(clean[i] - bare[i]));
                }
                assertTrue(worst <= 1e-5, hook + ": max |logit difference| with the error term " + worst);
                assertTrue(bareGap > 1e-3, hook + ": the bare reconstruction changes the logits (" + bareGap + ")");
                // an edit that doubles every feature changes the logits even with the error term
                float[] edited = logits(m, tokens, Hook.replacing(hook, SaeSplice.replacing(sae, true, false,
                        f -> f.mul(lab.runtime.components.Ops.scalar(f, 2.0)))));
                assertTrue(Math.abs(edited[5] - clean[5]) + Math.abs(edited[100] - clean[100]) > 1e-4, hook + " edit acts");
            }
        }
    }

    @Test
    void batchedActivationsEqualOneTextAtATime() {
        HookActivations acts = new HookActivations(model, "blocks.0.attn.hook_z");
        assertEquals(model.config().nHeads() * model.config().dHead(), acts.dIn());
        List<long[]> two = List.of(texts.get(0), java.util.Arrays.copyOf(texts.get(1), 7));
        float[][] batched = acts.of(two, true);
        float[][] a = acts.of(two.get(0), true);
        float[][] b = acts.of(two.get(1), true);
        assertEquals(a.length + b.length, batched.length);
        for (int i = 0; i < batched.length; i++) {
            float[] single = i < a.length ? a[i] : b[i - a.length];
            for (int j = 0; j < single.length; j++) {
                assertEquals(single[j], batched[i][j], 1e-5, "row " + i);
            }
        }
    }

    /** Two documents packed into one row, each opened by BOS: with the BOS skipped, every other position's row is kept as is. */
    @Test
    void aSkippedTokenLeavesOutEveryPositionHoldingIt() {
        HookActivations acts = new HookActivations(model, "blocks.1.hook_resid_pre");
        long bos = acts.bosTokenId();
        assertTrue(bos >= 0, "the toy model names its BOS");
        long[] first = texts.get(0);
        long[] second = texts.get(1);
        long[] packed = new long[first.length + second.length];
        System.arraycopy(first, 0, packed, 0, first.length);
        System.arraycopy(second, 0, packed, first.length, second.length);
        assertEquals(bos, packed[0]);
        assertEquals(bos, packed[first.length], "the second document opens with BOS too");
        float[][] all = acts.of(List.of(packed), false);
        float[][] kept = acts.of(List.of(packed), true, bos);
        assertEquals(packed.length - 2, kept.length);
        int k = 0;
        for (int p = 0; p < packed.length; p++) {
            if (packed[p] != bos) {
                assertArrayEquals(all[p], kept[k++], "position " + p);
            }
        }
        // without a token to skip, only position 0 goes, as before
        assertEquals(packed.length - 1, acts.of(List.of(packed), true, -1).length);
    }

    @Test
    void badHooksAreOneClearError() {
        Exception unknown = assertThrows(IllegalArgumentException.class, () -> new HookActivations(model, "blocks.9.hook_resid_pre"));
        assertTrue(unknown.getMessage().contains("blocks.9.hook_resid_pre"), unknown.getMessage());
        Exception pattern = assertThrows(IllegalArgumentException.class, () -> new HookActivations(model, "blocks.0.attn.hook_pattern"));
        assertTrue(pattern.getMessage().contains("not one vector per token"), pattern.getMessage());
    }

    private static float[] logits(NDManager m, NDArray tokens, Hook hook) {
        RunOptions o = hook == null ? RunOptions.defaults() : RunOptions.defaults().withHooks(hook);
        try (ForwardResult r = model.run(m, tokens, o)) {
            return r.output().toFloatArray();
        }
    }
}

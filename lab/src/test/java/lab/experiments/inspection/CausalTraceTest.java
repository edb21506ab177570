package lab.experiments.inspection;

import lab.experiments.ExamplePreparer;
import lab.experiments.PreparedExample;
import lab.experiments.Prompt;
import lab.experiments.TokenSpan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import lab.runtime.ForwardResult;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/** causal_trace on the HF fixtures: no noise restores nothing; restoring everything restores the clean answer. */
class CausalTraceTest {

    private static PreparedExample capitalOfFrance(HookedTransformer model, String subject) {
        ExamplePreparer preparer = new ExamplePreparer(model.tokenizer(), false, model.config().contextLength());
        return preparer.prepare(new Prompt("france", "g", "The capital of France is", "The capital of France is", "P",
                "R", subject), "test");
    }

    @Test
    void withoutNoiseNothingIsRestored() throws Exception {
        for (String name : Fixtures.MODELS) {
            try (HookedTransformer model = Fixtures.load(name)) {
                PreparedExample ex = capitalOfFrance(model, "France");
                CausalTrace trace = CausalTrace.fromParams(new ObjectMapper().readTree("{\"noise\": 0, \"samples\": 2}"));
                List<Double> effects = new ArrayList<>();
                Set<String> kinds = new HashSet<>();
                trace.run(model, ex, List.of(CausalTrace.INDIRECT_EFFECT), (c, v, b) -> {
                    effects.add(v.get(CausalTrace.INDIRECT_EFFECT));
                    kinds.add((String) c.get("kind"));
                });
                assertEquals(3 * model.config().nLayers() * ex.clean().length, effects.size(), name);
                assertEquals(Set.copyOf(CausalTrace.KINDS), kinds);
                for (double e : effects) {
                    assertEquals(0.0, e, 1e-6, name);
                }
            }
        }
    }

    @Test
    void restoringEveryLayerOrTheCorruptedEmbeddingRestoresTheCleanProbability() throws Exception {
        for (String name : Fixtures.MODELS) {
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                PreparedExample ex = capitalOfFrance(model, "France");
                long[] ids = ex.clean();
                int layers = model.config().nLayers();
                int d = model.config().dModel();
                ForwardResult clean = model.run(m, model.tokens(m, ids), RunOptions.defaults()
                        .caching(Pattern.compile("blocks\\.\\d+\\.(hook_resid_pre|hook_attn_out|hook_mlp_out)")).unembedOnly(-1));
                double pClean = NoisedRuns.probability(clean.output().toFloatArray(), 0, model.config().vocabSize(), (int) ex.target());
                float[] noise = new float[ids.length * d];
                java.util.Random rng = new java.util.Random(1);
                for (int p = ex.subject().start(); p < ex.subject().end(); p++) {
                    for (int i = 0; i < d; i++) {
                        noise[p * d + i] = (float) rng.nextGaussian();
                    }
                }
                Set<String> everyOutput = new HashSet<>();
                for (int l = 0; l < layers; l++) {
                    everyOutput.add("blocks." + l + ".hook_attn_out");
                    everyOutput.add("blocks." + l + ".hook_mlp_out");
                }
                int[] allPositions = java.util.stream.IntStream.range(0, ids.length).toArray();
                int[] subject = java.util.stream.IntStream.range(ex.subject().start(), ex.subject().end()).toArray();
                double[] p = NoisedRuns.targetProbabilities(model, m, ids, noise, ex.target(), clean.cache(), List.of(
                        new NoisedRuns.Restoration(Set.of(), new int[0]),
                        new NoisedRuns.Restoration(everyOutput, allPositions),
                        new NoisedRuns.Restoration(Set.of("blocks.0.hook_resid_pre"), subject),
                        new NoisedRuns.Restoration(Set.of("blocks.0.hook_resid_pre"), new int[] {ids.length - 1})));
                assertTrue(Math.abs(p[0] - pClean) > 1e-6, name + ": the noise should change the answer's probability");
                assertEquals(pClean, p[1], 1e-5, name + ": every layer's attention and MLP output restored");
                assertEquals(pClean, p[2], 1e-5, name + ": the subject's residual restored before the first block");
                assertTrue(Math.abs(p[3] - pClean) > 1e-6, name + ": restoring a position the noise never touched changes nothing");
                assertEquals(p[0], p[3], 1e-5, name);
            }
        }
    }

    @Test
    void subjectRolesAndMissingSubjectsAreClear() throws Exception {
        TokenSpan subject = new TokenSpan(2, 4);
        int[] roles = new int[8];
        for (int p = 0; p < 8; p++) {
            roles[p] = SubjectRoles.of(p, subject, 8);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {-1, -1, 0, 2, 3, 4, 4, 5}, roles);
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            PreparedExample ex = capitalOfFrance(model, "France");
            assertEquals(" France", model.tokenizer().decode(java.util.Arrays.copyOfRange(ex.clean(), ex.subject().start(), ex.subject().end())));
            var notFound = assertThrows(IllegalArgumentException.class, () -> capitalOfFrance(model, "Germany"));
            assertTrue(notFound.getMessage().contains("france") && notFound.getMessage().contains("'Germany'"), notFound.getMessage());
            CausalTrace trace = CausalTrace.fromParams(new ObjectMapper().readTree("{}"));
            var none = assertThrows(IllegalArgumentException.class, () -> trace.measureNoiseScale(model,
                    List.of(new PreparedExample("no-subject", "g", ex.clean(), ex.clean(), 1, 2))));
            assertTrue(none.getMessage().contains("'no-subject'"), none.getMessage());
            var restored = trace.hookPoints("mlp_out", 1, 2);
            assertEquals(Set.of("blocks.0.hook_mlp_out", "blocks.1.hook_mlp_out"), restored, "window 10 capped at 2 layers");
        }
    }

    /** The noise scale is the embeddings' standard deviation over the corpus's clean prompts, not the run's examples alone, and every row carries it. */
    @Test
    void theNoiseScaleComesFromTheWholeCorpusAndEveryRowCarriesIt() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            PreparedExample ex = capitalOfFrance(model, "France");
            List<long[]> corpus = List.of(ex.clean(), model.tokenizer().encode("When Mary and John went to the store", false),
                    model.tokenizer().encode("Induction heads copy tokens. Induction heads copy", false));
            // independently: every element of hook_embed of plain forwards of the corpus prompts
            double sum = 0;
            double sq = 0;
            long n = 0;
            for (long[] ids : corpus) {
                float[] embed = model.run(m, model.tokens(m, ids), RunOptions.defaults().caching(Pattern.compile("hook_embed")))
                        .cache().get("hook_embed").toFloatArray();
                for (float v : embed) {
                    sum += v;
                    sq += (double) v * v;
                    n++;
                }
            }
            double expected = Math.sqrt(sq / n - (sum / n) * (sum / n));
            CausalTrace trace = CausalTrace.fromParams(new ObjectMapper().readTree("{\"samples\": 1}"));
            trace.measureNoiseScale(model, List.of(ex));
            double overExamples = trace.embeddingStd();
            trace.prepare(model, new lab.experiments.RunInputs() {
                @Override
                public List<PreparedExample> examples() {
                    return List.of(ex);
                }

                @Override
                public List<PreparedExample> reference(String spec) {
                    throw new IllegalArgumentException("no reference sets here");
                }

                @Override
                public lab.experiments.FinishedRun finishedRun(String directory) {
                    throw new IllegalArgumentException("no runs here");
                }

                @Override
                public List<long[]> corpusPrompts() {
                    return corpus;
                }
            });
            assertEquals(expected, trace.embeddingStd(), 1e-6 * expected);
            assertTrue(Math.abs(overExamples - expected) > 1e-4 * expected, "the run's one example alone gives another scale ("
                    + overExamples + " vs " + expected + "), so this tells the two apart");
            Set<Double> carried = new HashSet<>();
            trace.run(model, ex, List.of(CausalTrace.INDIRECT_EFFECT), (c, v, b) -> carried.add(b.get(CausalTrace.EMBEDDING_STD)));
            assertEquals(Set.of(trace.embeddingStd()), carried);
            assertTrue(trace.baselines().contains(CausalTrace.EMBEDDING_STD));
        }
    }
}

package lab.experiments.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import lab.sae.SaeFolder;
import lab.sae.SparseAutoencoder;
import org.junit.jupiter.api.Test;

/** Feature panels' numbers against plain computations: firing rates, logit effects, the principal map. */
class FeatureAnalysisTest {

    @Test
    void panelsAgreeWithDirectComputation() {
        try (HookedTransformer model = ModelLoader.load(Path.of("../data/models/toy"), LoadOptions.cpu());
             NDManager m = NDManager.newBaseManager();
             SparseAutoencoder sae = SaeFolder.read(m, Path.of("src/test/resources/fixtures/saelens/topk"))) {
            List<long[]> texts = new ArrayList<>();
            for (String s : new String[] {"When Mary and John went to the garden , John gave a hat to",
                    "Today Anna and Sam stopped at the bank", "The capital of Veldor is"}) {
                texts.add(model.tokenizer().encode(s, true));
            }
            FeatureAnalysis.Result r = FeatureAnalysis.analyse(model, sae, true, texts, 4, 2);
            assertEquals(4, r.features().size());
            // firing counts from a plain hooked forward
            long[] firings = new long[256];
            long tokens = 0;
            for (long[] t : texts) {
                try (ForwardResult f = model.run(m, model.tokens(m, t), RunOptions.defaults().caching("blocks.0.hook_resid_post"))) {
                    float[] acts = sae.encode(f.cache().get("blocks.0.hook_resid_post").get(new NDIndex("0, 1:"))).toFloatArray();
                    for (int i = 0; i < acts.length; i++) {
                        firings[i % 256] += acts[i] > 0 ? 1 : 0;
                    }
                    tokens += t.length - 1;
                }
            }
            float[] wDec = sae.parameters().get(SparseAutoencoder.W_DEC).toFloatArray();
            float[] wE = model.weights().require("embed.W_E").toFloatArray();
            int vocab = model.config().vocabSize();
            for (FeatureAnalysis.Feature f : r.features()) {
                assertEquals((double) firings[f.index()] / tokens, f.firingRate(), 1e-12, "feature " + f.index());
                int best = 0;
                double bestValue = -Double.MAX_VALUE;
                for (int v = 0; v < vocab; v++) {
                    double dot = 0;
                    for (int i = 0; i < 64; i++) {
                        dot += wDec[f.index() * 64 + i] * wE[v * 64 + i];
                    }
                    if (dot > bestValue) {
                        bestValue = dot;
                        best = v;
                    }
                }
                assertEquals(model.tokenizer().decode(new long[] {best}), f.raises().get(0), "top raised token of " + f.index());
                assertEquals(java.util.Arrays.stream(f.histogram()).sum(), firings[f.index()], "histogram holds every firing");
                FeatureAnalysis.Context c = f.contexts().get(0);
                assertEquals(f.maxActivation(), c.activations()[c.peak()], 1e-6, "the first context holds the peak");
            }
            double[][] map = r.decoderMap();
            assertEquals(256, map.length);
            double vx = 0;
            double vy = 0;
            for (double[] p : map) {
                vx += p[0] * p[0];
                vy += p[1] * p[1];
            }
            assertTrue(vx >= vy && vy > 0, "first component carries the most variance: " + vx + " vs " + vy);
        }
    }
}

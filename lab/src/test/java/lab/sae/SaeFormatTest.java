package lab.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lab.runtime.loading.ModelLoadException;
import lab.runtime.loading.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads SAELens 6.18's own files and computes what SAELens computed on them (reference_io.safetensors). */
public class SaeFormatTest {

    static final Path ROOT = Path.of("src/test/resources/fixtures/saelens");
    static final double TOL = 1e-5;

    @TempDir
    Path tmp;

    @Test
    void encodeAndDecodeMatchSaeLensOnBothArchitectures() {
        for (String arch : new String[] {"standard", "topk"}) {
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
                 SparseAutoencoder sae = SaeFolder.read(m, ROOT.resolve(arch))) {
                Map<String, NDArray> ref = SafetensorsFile.read(m, ROOT.resolve("reference_io.safetensors"));
                NDArray x = ref.get("inputs");
                assertEquals("blocks.0.hook_resid_post", sae.config().hookName());
                assertClose(ref.get(arch + ".hidden_pre"), sae.hiddenPre(x), arch + " hidden_pre");
                NDArray f = sae.encode(x);
                assertClose(ref.get(arch + ".feature_acts"), f, arch + " feature_acts");
                assertClose(ref.get(arch + ".sae_out"), sae.decode(f), arch + " sae_out");
                assertClose(ref.get(arch + ".forward"), sae.forward(x), arch + " forward");
            }
        }
    }

    @Test
    void aLoadedSaeOwnsItsWeightsAcrossGarbageCollections() throws Exception {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
             SparseAutoencoder sae = SaeFolder.read(m, ROOT.resolve("topk"))) {
            // the file's decoded arrays are closed by now; collect whatever they held and reuse the memory
            for (int i = 0; i < 5; i++) {
                System.gc();
                byte[][] churn = new byte[64][];
                for (int j = 0; j < churn.length; j++) {
                    churn[j] = new byte[1 << 16];
                    java.nio.ByteBuffer.allocateDirect(1 << 16).put(0, (byte) 1);
                }
                Thread.sleep(20);
            }
            Map<String, NDArray> ref = SafetensorsFile.read(m, ROOT.resolve("reference_io.safetensors"));
            assertClose(ref.get("topk.sae_out"), sae.forward(ref.get("inputs")), "topk sae_out after GC");
        }
    }

    @Test
    void topkKeepsExactlyKFeaturesChosenBeforeTheRelu() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
             SparseAutoencoder sae = SaeFolder.read(m, ROOT.resolve("topk"))) {
            NDArray x = SafetensorsFile.read(m, ROOT.resolve("reference_io.safetensors")).get("inputs");
            float[] f = sae.encode(x).toFloatArray();
            float[] pre = sae.hiddenPre(x).toFloatArray();
            int dSae = sae.config().dSae();
            for (int row = 0; row < 32; row++) {
                int nonZero = 0;
                int negativeAmongTop = 0;
                for (int j = 0; j < dSae; j++) {
                    nonZero += f[row * dSae + j] > 0 ? 1 : 0;
                }
                // count pre-activations above the k-th: the top k may include negatives, which ReLU zeroes
                float[] sorted = java.util.Arrays.copyOfRange(pre, row * dSae, (row + 1) * dSae);
                java.util.Arrays.sort(sorted);
                for (int i = dSae - 8; i < dSae; i++) {
                    negativeAmongTop += sorted[i] <= 0 ? 1 : 0;
                }
                assertEquals(8 - negativeAmongTop, nonZero, "row " + row);
            }
        }
    }

    @Test
    void writtenFolderReadsBackAndFoldsDecoderNorms() throws Exception {
        for (String arch : new String[] {"standard", "topk"}) {
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
                 SparseAutoencoder original = SaeFolder.read(m, ROOT.resolve(arch))) {
                NDArray x = SafetensorsFile.read(m, ROOT.resolve("reference_io.safetensors")).get("inputs");
                // give the decoder rows non-unit norms, as during topk training, then save: the saved SAE must compute the same
                Map<String, NDArray> p = original.parameters();
                float[] scale = new float[original.config().dSae()];
                for (int j = 0; j < scale.length; j++) {
                    scale[j] = 0.5f + (j % 7) * 0.25f;
                }
                NDArray s = m.create(scale);
                p.get(SparseAutoencoder.W_DEC).muli(s.expandDims(1));
                NDArray before = original.forward(x);
                NDArray featuresBefore = original.encode(x);
                float[] sparsity = new float[original.config().dSae()];
                java.util.Arrays.fill(sparsity, -2f);
                Path out = tmp.resolve(arch);
                SaeFolder.write(original, out, sparsity);
                assertTrue(Files.isRegularFile(out.resolve(SaeFolder.SPARSITY)));
                try (SparseAutoencoder back = SaeFolder.read(m, out)) {
                    assertClose(before, back.forward(x), arch + " round trip");
                    if (arch.equals("topk")) {
                        float[] norms = back.parameters().get(SparseAutoencoder.W_DEC).norm(new int[] {1}).toFloatArray();
                        for (float n : norms) {
                            assertEquals(1.0, n, 1e-5, "saved topk decoder rows have unit norm");
                        }
                        assertClose(featuresBefore, back.encode(x), "topk feature_acts after folding");
                        assertTrue(back.config().rescaleActsByDecoderNorm());
                    }
                    assertEquals(original.config().toJson(), back.config().toJson());
                }
            }
        }
    }

    @Test
    void badFoldersAreOneClearError() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode topk = (ObjectNode) json.readTree(ROOT.resolve("topk/cfg.json").toFile());

        Path noCfg = Files.createDirectories(tmp.resolve("nocfg"));
        assertMessage(noCfg, "no cfg.json");

        ObjectNode noK = topk.deepCopy();
        noK.remove("k");
        assertMessage(folder("nok", noK, true), "has no 'k'");

        ObjectNode noDSae = topk.deepCopy();
        noDSae.remove("d_sae");
        assertMessage(folder("nodsae", noDSae, true), "has no 'd_sae'");

        ObjectNode gated = topk.deepCopy();
        gated.put("architecture", "gated");
        assertMessage(folder("gated", gated, true), "architecture 'gated' is not supported");

        ObjectNode wide = topk.deepCopy();
        wide.put("d_in", 65);
        assertMessage(folder("wide", wide, true), "has shape (64, 256) but cfg.json (d_in 65, d_sae 256) implies (65, 256)");

        Path corrupt = folder("corrupt", topk, false);
        byte[] bytes = Files.readAllBytes(ROOT.resolve("topk/sae_weights.safetensors"));
        Files.write(corrupt.resolve(SaeFolder.WEIGHTS), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertMessage(corrupt, "is truncated");
    }

    private Path folder(String name, ObjectNode cfg, boolean withWeights) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve(SaeFolder.CFG), cfg.toString());
        if (withWeights) {
            Files.copy(ROOT.resolve("topk/sae_weights.safetensors"), dir.resolve(SaeFolder.WEIGHTS));
        }
        return dir;
    }

    private static void assertMessage(Path dir, String expected) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> SaeFolder.read(m, dir).close());
            assertTrue(e instanceof IllegalArgumentException || e instanceof ModelLoadException, e.toString());
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        }
    }

    public static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - a[i]));
        }
        assertTrue(worst <= TOL, what + ": max |difference| " + worst + " > " + TOL);
    }
}

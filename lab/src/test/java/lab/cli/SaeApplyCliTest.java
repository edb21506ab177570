package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import lab.runtime.loading.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harness sae apply} on SAELens's own SAEs reproduces SAELens's outputs. */
class SaeApplyCliTest {

    static final Path ROOT = Path.of("src/test/resources/fixtures/saelens");

    @TempDir
    Path tmp;

    @Test
    void applyMatchesSaeLensReferenceOutputs() {
        for (String arch : new String[] {"standard", "topk"}) {
            Path out = tmp.resolve(arch + ".safetensors");
            CliTest.Outcome o = CliTest.harness("sae", "apply", "--sae", ROOT.resolve(arch).toString(), "--in",
                    ROOT.resolve("reference_io.safetensors").toString(), "--tensor", "inputs", "--out", out.toString());
            assertEquals(0, o.code(), o.err());
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
                Map<String, NDArray> ref = SafetensorsFile.read(m, ROOT.resolve("reference_io.safetensors"));
                Map<String, NDArray> got = SafetensorsFile.read(m, out);
                lab.sae.SaeFormatTest.assertClose(ref.get(arch + ".feature_acts"), got.get("feature_acts"), arch + " feature_acts");
                lab.sae.SaeFormatTest.assertClose(ref.get(arch + ".sae_out"), got.get("sae_out"), arch + " sae_out");
            }
        }
    }

    @Test
    void wrongTensorOrWidthIsOneClearError() {
        String in = ROOT.resolve("reference_io.safetensors").toString();
        String out = tmp.resolve("x.safetensors").toString();
        CliTest.Outcome missing = CliTest.harness("sae", "apply", "--sae", ROOT.resolve("standard").toString(), "--in", in,
                "--tensor", "nope", "--out", out);
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("has no tensor 'nope'"), missing.err());
        CliTest.Outcome wide = CliTest.harness("sae", "apply", "--sae", ROOT.resolve("standard").toString(), "--in", in,
                "--tensor", "standard.feature_acts", "--out", out);
        assertEquals(2, wide.code());
        assertTrue(wide.err().contains("but the SAE's d_in is 64 (it was trained on blocks.0.hook_resid_post)"), wide.err());
        assertTrue(!java.nio.file.Files.exists(Path.of(out)), "nothing written on error");
    }
}

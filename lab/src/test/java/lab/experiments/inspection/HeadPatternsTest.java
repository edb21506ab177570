package lab.experiments.inspection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

/** Head patterns against the attention HF transformers returned for the fixtures. */
class HeadPatternsTest {

    @Test
    void patternsAreHfsAttentions() {
        for (String name : new String[] {"gpt2-tiny", "llama-tiny"}) {
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                long[] ids = Fixtures.ids(Fixtures.referenceJson(name).get("prompts").get(0).get("ids"));
                NDArray hf = Fixtures.referenceTensors(m, name).get("p0.attentions");
                List<int[]> heads = List.of(new int[] {1, 2}, new int[] {0, 0});
                List<double[][]> got = HeadPatterns.read(model, ids, heads);
                for (int i = 0; i < heads.size(); i++) {
                    float[] expected = hf.get(heads.get(i)[0], heads.get(i)[1]).toFloatArray();
                    for (int q = 0; q < ids.length; q++) {
                        for (int k = 0; k < ids.length; k++) {
                            assertEquals(expected[q * ids.length + k], got.get(i)[q][k], 1e-4, name + " head " + i + " " + q + "," + k);
                        }
                    }
                }
                assertEquals(model.config().nLayers() * model.config().nHeads(), HeadPatterns.every(model.config()).size());
                var e = assertThrows(IllegalArgumentException.class, () -> HeadPatterns.read(model, ids, List.of(new int[] {2, 0})));
                assertTrue(e.getMessage().contains("head 2.0 does not exist"), e.getMessage());
            }
        }
    }
}

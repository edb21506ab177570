package lab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import lab.runtime.Fixtures;

/**
 * A fixture's prompt 0 as an example (target: the clean top-1 token; foil: token 7, or 8 when 7 is
 * the target) with the HF reference tensors the head-ablation tests read.
 *
 * @param cleanLast HF's last-position logits of the clean prompt
 * @param headZeroLast HF's last-position logits with head h of layer l zeroed, [L, H, V]
 */
public record HfPrompt0(PreparedExample example, float[] cleanLast, NDArray headZeroLast) {

    public static HfPrompt0 load(String fixture, NDManager m) {
        Map<String, NDArray> ref = Fixtures.referenceTensors(m, fixture);
        long[] ids = Fixtures.ids(Fixtures.referenceJson(fixture).get("prompts").get(0).get("ids"));
        float[] cleanLast = ref.get("p0.logits").get(ids.length - 1).toFloatArray();
        long target = argMax(cleanLast);
        long foil = target == 7 ? 8 : 7;
        return new HfPrompt0(new PreparedExample("p0", "g", ids, ids, target, foil), cleanLast, ref.get("p0.head_zero_last_logits"));
    }

    public static int argMax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}

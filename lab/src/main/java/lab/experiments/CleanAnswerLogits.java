package lab.experiments;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * What calibration reads from the model: each example's clean next-token logits at the scored
 * position (the prompt's last token, which for answer spans is where the first answer token is
 * predicted) and the token that should win there (the target's first token).
 */
public final class CleanAnswerLogits {

    /** One example's logits [vocab] and the index of its target token. */
    public record Reading(double[] logits, int target) {
    }

    private CleanAnswerLogits() {
    }

    public static List<Reading> read(HookedTransformer model, List<PreparedExample> examples) {
        List<Reading> out = new ArrayList<>();
        for (PreparedExample ex : examples) {
            try (NDManager m = NDManager.newBaseManager(model.device());
                 ForwardResult r = model.run(m, model.tokens(m, ex.clean()), RunOptions.defaults().unembedOnly(-1))) {
                float[] logits = r.output().toFloatArray();
                double[] wide = new double[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    wide[i] = logits[i];
                }
                out.add(new Reading(wide, Math.toIntExact(ex.targetTokens()[0])));
            }
        }
        return out;
    }
}

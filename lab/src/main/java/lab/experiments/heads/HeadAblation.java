package lab.experiments.heads;

import lab.experiments.PreparedExample;
import lab.experiments.RunInputs;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import lab.runtime.HookedTransformer;
import lab.runtime.Interventions;

/**
 * What ablating a head does to its {@code hook_z}, shared by heads_zero and heads_pair_zero.
 * {@code "ablation": "zero"} scales it by the condition's scale (0 zeroes it); {@code "mean"}
 * moves it toward its mean over a reference set: {@code mean + scale * (z - mean)}, so scale 0
 * replaces it by the mean, 1 leaves it, and zero ablation is the same line with mean 0.
 *
 * <p>Parameters: {@code ablation} ("zero", the default, or "mean"); with "mean" only,
 * {@code reference} (a subset of the run's corpus split or a corpus path; default "train") and
 * {@code mean_over} ("prompts", the default: at each position, the mean over the reference prompts
 * of the example's token length; "positions": one mean per head over every position of every
 * reference prompt). The means are computed once per run, in {@link #prepare}.
 */
final class HeadAblation {

    static final String ZERO = "zero";
    static final String MEAN = "mean";
    static final String OVER_PROMPTS = "prompts";
    static final String OVER_POSITIONS = "positions";

    private final boolean mean;
    private final String reference;
    private final boolean perPosition;
    private HeadMeans means;

    private HeadAblation(boolean mean, String reference, boolean perPosition) {
        this.mean = mean;
        this.reference = reference;
        this.perPosition = perPosition;
    }

    static HeadAblation zero() {
        return new HeadAblation(false, null, false);
    }

    static HeadAblation fromParams(JsonNode params) {
        String kind = params.path("ablation").asText(ZERO);
        if (!kind.equals(ZERO) && !kind.equals(MEAN)) {
            throw new IllegalArgumentException("experiment.ablation is '" + kind + "'; use \"zero\" or \"mean\"");
        }
        if (kind.equals(ZERO)) {
            for (String key : List.of("reference", "mean_over")) {
                if (params.has(key)) {
                    throw new IllegalArgumentException("experiment." + key + " only applies to mean ablation; add"
                            + " \"ablation\": \"mean\" or remove it");
                }
            }
            return zero();
        }
        String over = params.path("mean_over").asText(OVER_PROMPTS);
        if (!over.equals(OVER_PROMPTS) && !over.equals(OVER_POSITIONS)) {
            throw new IllegalArgumentException("experiment.mean_over is '" + over + "'; use \"prompts\" (per position,"
                    + " over reference prompts of the example's length) or \"positions\" (one mean per head)");
        }
        String reference = params.path("reference").asText("train");
        if (reference.isBlank()) {
            throw new IllegalArgumentException("experiment.reference is empty; give a subset of the split (e.g. \"train\")"
                    + " or a corpus path");
        }
        return new HeadAblation(true, reference, over.equals(OVER_PROMPTS));
    }

    boolean isMean() {
        return mean;
    }

    /**
     * Mean ablation: loads the reference set and computes every head's mean once, then checks that
     * every example of the run has one (per-position means need reference prompts of its length).
     */
    void prepare(HookedTransformer model, RunInputs inputs) {
        if (!mean) {
            return;
        }
        List<PreparedExample> examples;
        try {
            examples = inputs.reference(reference);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("experiment.reference: " + e.getMessage(), e);
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("experiment.reference '" + reference + "' has no examples; give a"
                    + " non-empty subset or corpus");
        }
        HeadMeans computed = HeadMeans.compute(model, examples, perPosition);
        Map<Integer, List<String>> uncovered = new TreeMap<>();
        for (PreparedExample ex : inputs.examples()) {
            if (!computed.covers(ex.clean().length)) {
                uncovered.computeIfAbsent(ex.clean().length, k -> new ArrayList<>()).add(ex.id());
            }
        }
        if (!uncovered.isEmpty()) {
            StringBuilder which = new StringBuilder();
            uncovered.forEach((length, ids) -> which.append(which.length() == 0 ? "" : "; ").append(length)
                    .append(" tokens (").append(ids.size() <= 3 ? String.join(", ", ids)
                            : String.join(", ", ids.subList(0, 3)) + " and " + (ids.size() - 3) + " more").append(")"));
            throw new IllegalArgumentException("experiment.mean_over \"prompts\" takes, at each position, the mean over the"
                    + " reference prompts of the example's token length, but reference '" + reference + "' has prompts of "
                    + computed.promptsByLength().keySet() + " tokens and none of " + which + "; give a reference with"
                    + " prompts of those lengths, or set \"mean_over\": \"positions\" (one mean per head over all positions)");
        }
        this.means = computed;
    }

    /**
     * The hook_z intervention for one layer's batch: row r, head h keeps factor {@code factors[r][h]}
     * (1: untouched) in the sense of the class comment.
     *
     * @param length the prompt's token length (which per-position mean applies)
     * @param position act at this position alone; null: at every position
     */
    UnaryOperator<NDArray> intervention(int layer, float[][] factors, int length, Integer position) {
        if (!mean) {
            return position != null ? Interventions.scaleHeadsPerRowAt(factors, position) : Interventions.scaleHeadsPerRow(2, factors);
        }
        if (means == null) {
            throw new IllegalStateException("mean ablation before its means were computed: call prepare first");
        }
        return Interventions.interpolateHeadsPerRow(factors, means.values(layer, length), means.shape(length),
                position);
    }

    /** For logs and reports, e.g. {@code zero} or {@code mean over prompts of 'train'}. */
    String describe() {
        return mean ? "mean over " + (perPosition ? OVER_PROMPTS : OVER_POSITIONS) + " of '" + reference + "'" : ZERO;
    }
}

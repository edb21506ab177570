package lab.experiments.patching;

import lab.experiments.ParamValues;

import java.util.List;
import lab.experiments.metrics.PatchScore;

/** Which run an activation patch takes its values from and which run receives them. */
public enum PatchDirection {

    /** The clean run's activation written into the corrupt run: does it restore the answer? */
    CLEAN_TO_CORRUPT("clean_to_corrupt", false),
    /** The corrupt run's activation written into the clean run: does it break the answer? */
    CORRUPT_TO_CLEAN("corrupt_to_clean", true);

    /** The {@code direction} value of the rows that hold patch_score(c2x) - patch_score(x2c). */
    public static final String ASYMMETRY = "asymmetry";

    private final String label;
    private final boolean receivesClean;

    PatchDirection(String label, boolean receivesClean) {
        this.label = label;
        this.receivesClean = receivesClean;
    }

    /** The config and results value, e.g. {@code clean_to_corrupt}. */
    public String label() {
        return label;
    }

    /** The run that is patched (the other one is the source). */
    public CleanCorruptRuns.Run receiver() {
        return receivesClean ? CleanCorruptRuns.Run.CLEAN : CleanCorruptRuns.Run.CORRUPT;
    }

    public CleanCorruptRuns.Run source() {
        return receivesClean ? CleanCorruptRuns.Run.CORRUPT : CleanCorruptRuns.Run.CLEAN;
    }

    /** The normalised score of a patched logit difference in this direction (see {@link PatchScore}). */
    public double score(double patched, double clean, double corrupt) {
        return receivesClean ? PatchScore.broken(patched, clean, corrupt) : PatchScore.restored(patched, clean, corrupt);
    }

    /**
     * The directions an {@code experiment.direction} value names: one, or both for {@code "both"}.
     */
    public static List<PatchDirection> parse(String value) {
        if (value.equals("both")) {
            return List.of(CLEAN_TO_CORRUPT, CORRUPT_TO_CLEAN);
        }
        return List.of(ParamValues.oneOf("direction", value, values(), PatchDirection::label, "both"));
    }
}

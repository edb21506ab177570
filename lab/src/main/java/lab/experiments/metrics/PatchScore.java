package lab.experiments.metrics;

/**
 * The normalised effect of an activation patch on the logit difference (target minus foil), read
 * against the clean and corrupt runs of the same example:
 *
 * <ul>
 *   <li>clean into corrupt: (patched - corrupt) / (clean - corrupt); 1 = the patch fully restores
 *       the clean answer, 0 = it changes nothing;
 *   <li>corrupt into clean: (clean - patched) / (clean - corrupt); 1 = the patch fully breaks the
 *       clean answer, 0 = it changes nothing.
 * </ul>
 *
 * Where the clean and corrupt logit differences are within {@value #MIN_GAP} of each other the
 * corruption moved nothing to normalise by, and the score is NaN (the summary skips it).
 */
public final class PatchScore {

    /** The column name of the score. */
    public static final String NAME = "patch_score";
    /** The baseline beside {@link AnswerMetrics#CLEAN_LOGIT_DIFF}: the corrupt run's logit difference. */
    public static final String CORRUPT_LOGIT_DIFF = "corrupt_logit_diff";
    /** Below this |clean - corrupt| the score is undefined. */
    public static final double MIN_GAP = 1e-6;

    private PatchScore() {
    }

    /** How much of the clean logit difference a clean activation restored in the corrupt run. */
    public static double restored(double patched, double clean, double corrupt) {
        double gap = clean - corrupt;
        return undefined(gap) ? Double.NaN : (patched - corrupt) / gap;
    }

    /** How much of the clean logit difference a corrupt activation broke in the clean run. */
    public static double broken(double patched, double clean, double corrupt) {
        double gap = clean - corrupt;
        return undefined(gap) ? Double.NaN : (clean - patched) / gap;
    }

    /**
     * restored - broken for the same component: positive where putting the clean activation back
     * does more than taking it away (sufficient more than necessary), negative the other way.
     */
    public static double asymmetry(double restored, double broken) {
        return restored - broken;
    }

    /** Whether clean and corrupt are too close for a score. */
    public static boolean undefined(double gap) {
        return !(Math.abs(gap) > MIN_GAP);
    }
}

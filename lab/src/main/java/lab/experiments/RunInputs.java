package lab.experiments;

import java.util.List;

/**
 * What an experiment may ask the harness for while it prepares a run ({@link Experiment#prepare}):
 * the harness knows corpora, splits and run directories; the experiment receives prepared examples
 * and plain values. Each method fails with a message naming what is wrong and the fix.
 */
public interface RunInputs {

    /** Every example this run may draw, prepared (e.g. to check that a reference covers their lengths). */
    List<PreparedExample> examples();

    /**
     * The examples of a reference set: a subset of the run's corpus split (e.g. {@code "train"}), or
     * the path of a corpus file (relative paths as in the config).
     */
    List<PreparedExample> reference(String spec);

    /** A finished run's experiment type and summary, by its directory (relative paths as in the config). */
    FinishedRun finishedRun(String directory);

    /**
     * Every clean prompt of the run's corpus file, whatever its split and subset, as token ids
     * tokenized as the run's examples are: for statistics over the corpus (e.g. causal tracing's
     * embedding scale).
     */
    List<long[]> corpusPrompts();
}

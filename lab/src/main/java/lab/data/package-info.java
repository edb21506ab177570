/**
 * Prompt corpora for experiments, knowing nothing of models.
 *
 * <p>A corpus is JSON Lines of {@link lab.data.CorpusItem} ({@code id, clean, corrupt, target, foil,
 * group}); {@link lab.data.Corpus#read} checks every line and names file and line on error.
 * {@link lab.data.Splitter} deals whole groups into train/val/test (60/20/20, seeded) and a
 * {@link lab.data.SplitFile} records them with the corpus SHA-256; {@link lab.data.Corpus#load}
 * refuses a corpus that changed since it was split, and {@link lab.data.SplitAudit} reports what
 * leaks between subsets. Whether target and foil are single tokens is for the caller, who has the
 * tokenizer, to check.
 */
package lab.data;

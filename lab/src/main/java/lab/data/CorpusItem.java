package lab.data;

/**
 * One prompt pair of a corpus.
 *
 * @param id unique within its corpus
 * @param clean the prompt whose next token should be {@code target}
 * @param corrupt the minimal change to {@code clean} that should make the answer {@code foil};
 *     the same number of tokens as {@code clean}
 * @param target the answer to {@code clean} (GPT-2 convention: a word with its leading space)
 * @param foil the answer to {@code corrupt}, the competitor the metrics compare against
 * @param group items that must land in the same train/val/test subset (same template, entity, ...)
 * @param subject optional: the words of {@code clean} that name what the fact is about (e.g. the
 *     country), for experiments that act on the subject's tokens (causal tracing); null if none
 */
public record CorpusItem(String id, String clean, String corrupt, String target, String foil, String group,
                         String subject) {

    /** An item without a subject. */
    public CorpusItem(String id, String clean, String corrupt, String target, String foil, String group) {
        this(id, clean, corrupt, target, foil, group, null);
    }
}

package lab.experiments;

/**
 * One corpus item as text: the clean prompt, its minimally corrupted twin, and the answer
 * (target) that should flip to the foil under corruption; {@code subject}, when not null, is the
 * words of the clean prompt the fact is about.
 */
public record Prompt(String id, String group, String clean, String corrupt, String target, String foil, String subject) {

    public Prompt(String id, String group, String clean, String corrupt, String target, String foil) {
        this(id, group, clean, corrupt, target, foil, null);
    }
}

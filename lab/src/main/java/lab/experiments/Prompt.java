package lab.experiments;

/**
 * One corpus item as text: the clean prompt, its minimally corrupted twin, and the answer
 * (target) that should flip to the foil under corruption.
 */
public record Prompt(String id, String group, String clean, String corrupt, String target, String foil) {
}

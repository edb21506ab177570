package lab.training;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Indirect-object identification: "When {A} and {B} went to the {place}, {S} gave a {object} to"
 * where S is one of the two names and the answer is the other one. Names and templates come from
 * the lists given, so training and held-out evaluation draw from disjoint ones.
 */
public final class IoiTask {

    /**
     * @param prompt the sentence up to "to"
     * @param answer the indirect object: the name mentioned once
     * @param subject the repeated name
     * @param corrupt the prompt with the repeated name replaced by the answer, whose answer is {@code subject}
     * @param template index into the template list used
     */
    public record Prompt(String prompt, String answer, String subject, String corrupt, int template) {
    }

    private final List<String> names;
    private final List<String> templates;
    private final List<String> places;
    private final List<String> objects;

    public IoiTask(List<String> names, List<String> templates, List<String> places, List<String> objects) {
        if (names.size() < 2 || templates.isEmpty()) {
            throw new IllegalArgumentException("IOI needs at least two names and one template");
        }
        this.names = List.copyOf(names);
        this.templates = List.copyOf(templates);
        this.places = List.copyOf(places);
        this.objects = List.copyOf(objects);
    }

    public Prompt sample(SplittableRandom rng) {
        int t = rng.nextInt(templates.size());
        String a = names.get(rng.nextInt(names.size()));
        String b;
        do {
            b = names.get(rng.nextInt(names.size()));
        } while (b.equals(a));
        boolean subjectIsB = rng.nextBoolean();
        String subject = subjectIsB ? b : a;
        String answer = subjectIsB ? a : b;
        String place = places.get(rng.nextInt(places.size()));
        String object = objects.get(rng.nextInt(objects.size()));
        String template = templates.get(t);
        return new Prompt(fill(template, a, b, subject, place, object), answer, subject,
                fill(template, a, b, answer, place, object), t);
    }

    private static String fill(String template, String a, String b, String s, String place, String object) {
        return template.replace("{A}", a).replace("{B}", b).replace("{S}", s)
                .replace("{place}", place).replace("{object}", object);
    }
}

package lab.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Facts of the made-up geography, each in several phrasings: "The capital of Veldor is" -> a city. */
public final class FactsTask {

    /**
     * @param prompt the phrasing with the country filled in
     * @param answer the attribute
     * @param country the country asked about
     * @param relation "capital" or "language"
     * @param phrasing index into that relation's phrasings
     */
    public record Fact(String prompt, String answer, ToyWorld.Country country, String relation, int phrasing) {
    }

    private final ToyWorld world;

    public FactsTask(ToyWorld world) {
        this.world = world;
    }

    public Fact sample(SplittableRandom rng) {
        ToyWorld.Country c = world.countries().get(rng.nextInt(world.countries().size()));
        boolean capital = rng.nextBoolean();
        List<String> phrasings = capital ? world.capitalPhrasings() : world.languagePhrasings();
        int p = rng.nextInt(phrasings.size());
        return fact(c, capital ? "capital" : "language", p);
    }

    public Fact fact(ToyWorld.Country c, String relation, int phrasing) {
        boolean capital = relation.equals("capital");
        String template = (capital ? world.capitalPhrasings() : world.languagePhrasings()).get(phrasing);
        return new Fact(template.replace("{E}", c.name()), capital ? c.capital() : c.language(), c, relation, phrasing);
    }

    /** Every fact in every phrasing: what recall is measured on. */
    public List<Fact> all() {
        List<Fact> all = new ArrayList<>();
        for (ToyWorld.Country c : world.countries()) {
            for (int p = 0; p < world.capitalPhrasings().size(); p++) {
                all.add(fact(c, "capital", p));
            }
            for (int p = 0; p < world.languagePhrasings().size(); p++) {
                all.add(fact(c, "language", p));
            }
        }
        return all;
    }
}

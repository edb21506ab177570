package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.ExamplePreparer;
import lab.experiments.heads.HeadsZero;
import lab.experiments.PreparedExample;
import lab.experiments.Prompt;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

/** An example drawn by several seeds is computed once, and every seed still gets the rows a fresh computation gives. */
class ExampleOutcomesTest {

    @Test
    void eachExampleIsComputedOnceAndReplayedExactlyWhileALaterSeedNeedsIt() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            ExamplePreparer preparer = new ExamplePreparer(model.tokenizer(), false, model.config().contextLength());
            String[] places = {"store", "park", "school", "office", "beach"};
            List<PreparedExample> examples = new ArrayList<>();
            for (int i = 0; i < places.length; i++) {
                String a = i % 2 == 0 ? "Mary" : "John";
                String b = i % 2 == 0 ? "John" : "Mary";
                examples.add(preparer.prepare(new Prompt("e" + i, "g", "When " + a + " and " + b + " went to the " + places[i] + ", "
                        + b + " gave a drink to", "When " + a + " and " + b + " went to the " + places[i] + ", " + a
                        + " gave a drink to", " " + a, " " + b), "test"));
            }
            HeadsZero experiment = new HeadsZero(new double[] {0.0, 0.5}, null, 64, false);
            List<String> metrics = List.of("kl", "logit_diff");
            List<List<PreparedExample>> draws = new ArrayList<>();
            for (long seed = 0; seed < 6; seed++) {
                draws.add(ExampleDraw.forSeed(examples, 2, seed));
            }
            Map<PreparedExample, Integer> computed = new IdentityHashMap<>();
            ExampleOutcomes outcomes = new ExampleOutcomes(draws);
            for (List<PreparedExample> draw : draws) {
                for (PreparedExample ex : draw) {
                    List<ExampleOutcomes.Reported> got = new ArrayList<>();
                    outcomes.report(ex, (e, sink) -> {
                        computed.merge(e, 1, Integer::sum);
                        experiment.run(model, e, metrics, sink);
                    }, (c, m, b) -> got.add(new ExampleOutcomes.Reported(c, m, b)));
                    List<ExampleOutcomes.Reported> fresh = new ArrayList<>();
                    experiment.run(model, ex, metrics, (c, m, b) -> fresh.add(new ExampleOutcomes.Reported(c, m, b)));
                    assertEquals(16, fresh.size(), "8 heads x 2 scales");
                    assertEquals(fresh, got, ex.id());
                }
            }
            long distinct = draws.stream().flatMap(List::stream).distinct().count();
            assertEquals(distinct, computed.size());
            computed.forEach((ex, n) -> assertEquals(1, n, ex.id() + " computed more than once"));
            assertEquals(true, distinct < 12, "the six draws of two share examples: " + distinct);
            assertEquals(0, outcomes.held(), "nothing is kept once no later seed draws it");
        }
    }
}

package lab.harness.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.experiments.Experiment;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;
import lab.experiments.metrics.AnswerReading;
import lab.harness.results.ResultsRecorder;
import lab.runtime.HookedTransformer;

/**
 * The seeds of a run, from the first one not yet done: each seed's draw of examples through the
 * experiment (an example drawn again by a later seed is replayed, see {@link ExampleOutcomes}),
 * one row per example x condition, then results.parquet flushed and the checkpoint recorded, so
 * that a run killed at any point keeps every finished seed and can be resumed from it.
 */
final class SeedLoop {

    /** Told each condition's answer reading as an example is computed (once per example and run; replays carry none). */
    @FunctionalInterface
    interface ReadingTap {
        void reading(PreparedExample example, Map<String, Object> condition, AnswerReading reading);

        /** A sink for {@code example}'s rows: each goes to {@code rows}, and its reading, when it has one, here. */
        default ResultSink around(PreparedExample example, ResultSink rows) {
            return new ResultSink() {
                @Override
                public void accept(Map<String, Object> condition, Map<String, Double> values, Map<String, Double> baselines) {
                    rows.accept(condition, values, baselines);
                }

                @Override
                public void accept(Map<String, Object> condition, Map<String, Double> values, Map<String, Double> baselines,
                                   AnswerReading reading) {
                    rows.accept(condition, values, baselines);
                    reading(example, condition, reading);
                }
            };
        }
    }

    private final Experiment experiment;
    private final HookedTransformer model;
    private final List<String> metrics;
    private final ReadingTap tap;

    SeedLoop(Experiment experiment, HookedTransformer model, List<String> metrics, ReadingTap tap) {
        this.experiment = experiment;
        this.model = model;
        this.metrics = List.copyOf(metrics);
        this.tap = tap;
    }

    /**
     * Runs {@code seeds} from index {@code from} on, appending to {@code recorder}.
     *
     * @param n examples per seed (null: all, in corpus order)
     */
    void run(List<PreparedExample> examples, Integer n, List<Long> seeds, int from, ResultsRecorder recorder,
             RunSession session, RunLog log) throws IOException {
        List<List<PreparedExample>> draws = new ArrayList<>();
        for (long seed : seeds.subList(from, seeds.size())) {
            draws.add(ExampleDraw.forSeed(examples, n, seed));
        }
        ExampleOutcomes outcomes = new ExampleOutcomes(draws);
        for (int i = from; i < seeds.size(); i++) {
            int seed = (int) (long) seeds.get(i);
            try (var p = session.phase("seed_" + seed)) {
                for (PreparedExample ex : draws.get(i - from)) {
                    outcomes.report(ex, (e, sink) -> experiment.run(model, e, metrics, sink),
                            tap.around(ex, (condition, values, baselines) -> {
                                var row = recorder.newRow().exampleId(ex.id()).seed(seed).group(ex.group());
                                condition.forEach(row::set);
                                values.forEach(row::set);
                                baselines.forEach(row::set);
                                row.append();
                            }));
                }
                recorder.flush();
            }
            session.checkpoint(i + 1, seeds.size(), recorder.table().rowCount());
            log.info("seed %d done: %d rows so far", seed, recorder.table().rowCount());
        }
    }
}

package lab.harness.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lab.experiments.CleanAnswerLogits.Reading;
import lab.experiments.Experiment;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.HookedTransformer;
import lab.viz.ReliabilityDiagram;

/**
 * Calibration of every condition of a run on the split's {@code val} and {@code test} examples:
 * each condition's intervened next-token distribution at the scored position, taken from the
 * readings the experiment reports ({@link Experiment#reportsAnswerReadings}), those the seed loop
 * computed kept from it ({@link Readings}) and only the other examples run here, once per run;
 * and per condition T fitted on val, ECE before and after on test ({@link CalibrationFit}). A row
 * reported without a reading (an activation patching asymmetry) has no distribution and is left out.
 */
final class ConditionCalibration {

    /** Conditions drawn beside the clean run in the report's diagram (one colour each). */
    static final int DRAWN = 3;
    /** Conditions the report's table lists. */
    static final int LISTED = 10;

    /** One condition's calibration, and how far its ECE before scaling moved from the clean run's. */
    /**
     * @param onCorruptPrompt the intervened run is not one that should answer the target
     *     ({@link Experiment#answersTheTarget}, e.g. activation patching clean into corrupt): scored
     *     against the clean target like every reading, it is confidently wrong by design, which says
     *     nothing about how calibrated the model is, so it is kept but not ranked
     */
    record Entry(Map<String, Object> condition, CalibrationFit fit, double eceChange, boolean onCorruptPrompt) {
    }

    /** What calibration.json says of a condition whose intervened run is the corrupt prompt. */
    static final String ON_CORRUPT_PROMPT = "the intervened run is the corrupt prompt, scored against the clean target:"
            + " confidently wrong by design; not ranked in the report";

    /** A reading kept for calibration: log-probabilities in float to halve the memory of many conditions. */
    private record Kept(float[] logProbs, int target) {

        Reading widened() {
            double[] wide = new double[logProbs.length];
            for (int i = 0; i < wide.length; i++) {
                wide[i] = logProbs[i];
            }
            return new Reading(wide, target);
        }
    }

    private ConditionCalibration() {
    }

    /**
     * The readings of the val and test examples by condition: kept from the seed loop (as its
     * {@link SeedLoop.ReadingTap}) for the examples the run computes anyway, so calibration computes
     * only the rest. Examples are matched by id and tokens, since the run prepares its own copies.
     *
     * <p>An exact fit needs each reading's whole distribution (NLL and top-1 probability at every T
     * the search tries), and the readings arrive example by example with every condition, so all of
     * them are held until the last val and test example is read: conditions x examples x vocabulary
     * floats. That is bounded: once the projection (the most conditions one example reported x the
     * val and test examples x a reading's bytes) passes {@code capBytes}, everything kept is dropped,
     * nothing more is kept or computed, and {@link #overCap} says why.
     */
    static final class Readings implements SeedLoop.ReadingTap {

        /** What a kept reading costs beyond its floats (the array and record headers, the map entry). */
        private static final long OVERHEAD_BYTES = 96;

        private final Set<List<Object>> wanted = new HashSet<>();
        private final Map<List<Object>, Map<Map<String, Object>, Kept>> byExample = new HashMap<>();
        private final long capBytes;
        private int mostConditions;
        private Optional<String> overCap = Optional.empty();

        Readings(List<PreparedExample> val, List<PreparedExample> test, long capBytes) {
            val.forEach(ex -> wanted.add(key(ex)));
            test.forEach(ex -> wanted.add(key(ex)));
            this.capBytes = capBytes;
        }

        /** Why the conditions' readings were dropped (over the memory cap), if they were. */
        Optional<String> overCap() {
            return overCap;
        }

        @Override
        public void reading(PreparedExample example, Map<String, Object> condition, AnswerReading reading) {
            List<Object> key = key(example);
            if (overCap.isPresent() || !wanted.contains(key)) {
                return;
            }
            Map<Map<String, Object>, Kept> conditions = byExample.computeIfAbsent(key, k -> new LinkedHashMap<>());
            Kept kept = kept(example, reading);
            conditions.put(new LinkedHashMap<>(condition), kept);
            mostConditions = Math.max(mostConditions, conditions.size());
            int vocab = kept.logProbs().length;
            long projected = (4L * vocab + OVERHEAD_BYTES) * mostConditions * wanted.size();
            if (projected > capBytes) {
                byExample.clear();
                overCap = Optional.of(String.format(Locale.ROOT, "per-condition calibration would hold about %s of readings"
                        + " (at least %d conditions x %d val and test examples x %d vocabulary floats), above its cap of %s"
                        + " (a quarter of the JVM's maximum heap); set output.calibration: \"clean\" to skip it, or a smaller"
                        + " data.n_examples to calibrate fewer examples", bytes(projected), mostConditions, wanted.size(), vocab,
                        bytes(capBytes)));
            }
        }

        /** The example's readings by condition: kept ones, else computed now; none once over the cap. */
        Map<Map<String, Object>, Kept> of(Experiment experiment, HookedTransformer model, List<String> metrics,
                                          PreparedExample example) {
            if (overCap.isEmpty() && !byExample.containsKey(key(example))) {
                experiment.run(model, example, metrics, around(example, (condition, values, baselines) -> {
                    // the rows are the seed loop's; only the readings are calibrated
                }));
            }
            Map<Map<String, Object>, Kept> kept = byExample.remove(key(example));
            return overCap.isPresent() || kept == null ? Map.of() : kept;
        }

        private static List<Object> key(PreparedExample ex) {
            return List.of(ex.id(), Arrays.toString(ex.clean()), Arrays.toString(ex.corrupt()), Arrays.toString(ex.targetTokens()),
                    Arrays.toString(ex.foilTokens()));
        }

        private static Kept kept(PreparedExample example, AnswerReading reading) {
            double[] logProbs = reading.firstLogProbs();
            float[] narrow = new float[logProbs.length];
            for (int i = 0; i < narrow.length; i++) {
                narrow[i] = (float) logProbs[i];
            }
            return new Kept(narrow, Math.toIntExact(example.targetTokens()[0]));
        }

        private static String bytes(long n) {
            return n >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30))
                    : String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
    }

    /**
     * Each condition reported on both subsets, in the order the experiment first reports them.
     *
     * @param clean the clean run's calibration on the same subsets, the baseline of {@link Entry#eceChange}
     * @param readings what the seed loop kept; the other examples are computed here
     */
    static List<Entry> measure(Experiment experiment, HookedTransformer model, List<String> metrics,
                               List<PreparedExample> val, List<PreparedExample> test, CalibrationFit clean, Readings readings) {
        Map<Map<String, Object>, List<Kept>> fitOn = byCondition(experiment, model, metrics, val, readings);
        Map<Map<String, Object>, List<Kept>> evalOn = byCondition(experiment, model, metrics, test, readings);
        List<Entry> entries = new ArrayList<>();
        if (readings.overCap().isPresent()) {
            return entries;
        }
        for (var it = fitOn.entrySet().iterator(); it.hasNext(); ) {
            var fitted = it.next();
            // released as fitted, so that the widened copies are one condition's at a time
            it.remove();
            List<Kept> evaluated = evalOn.remove(fitted.getKey());
            if (evaluated != null) {
                CalibrationFit fit = CalibrationFit.of(fitted.getValue().stream().map(Kept::widened).toList(),
                        evaluated.stream().map(Kept::widened).toList());
                entries.add(new Entry(fitted.getKey(), fit, fit.before().ece() - clean.before().ece(),
                        !experiment.answersTheTarget(fitted.getKey())));
            }
        }
        return entries;
    }

    private static Map<Map<String, Object>, List<Kept>> byCondition(Experiment experiment, HookedTransformer model,
                                                                   List<String> metrics, List<PreparedExample> examples,
                                                                   Readings readings) {
        Map<Map<String, Object>, List<Kept>> byCondition = new LinkedHashMap<>();
        for (PreparedExample example : examples) {
            if (readings.overCap().isPresent()) {
                break;
            }
            readings.of(experiment, model, metrics, example)
                    .forEach((condition, kept) -> byCondition.computeIfAbsent(condition, k -> new ArrayList<>()).add(kept));
        }
        return byCondition;
    }

    /** calibration.json's {@code conditions}: each condition's columns and numbers. */
    static List<Map<String, Object>> json(List<Entry> entries) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("condition", e.condition());
            json.putAll(e.fit().json());
            json.put("ece_before_change_from_clean", e.eceChange());
            if (e.onCorruptPrompt()) {
                json.put("note", ON_CORRUPT_PROMPT);
            }
            out.add(json);
        }
        return out;
    }

    /** MLflow metrics {@code calibration/<column>_<value>/.../ece_before} (and ece_after, temperature, accuracy). */
    static Map<String, Double> metrics(List<Entry> entries) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Entry e : entries) {
            String base = TrackingRecords.conditionKey("calibration", e.condition());
            metrics.put(base + "/ece_before", e.fit().before().ece());
            metrics.put(base + "/ece_after", e.fit().after().ece());
            metrics.put(base + "/temperature", e.fit().temperature());
            metrics.put(base + "/accuracy", e.fit().accuracy());
        }
        return metrics;
    }

    /**
     * The largest |ECE change from clean| first (ties in report order), so a reader sees what moved
     * calibration most; conditions on the corrupt prompt left out ({@link Entry#onCorruptPrompt}).
     */
    static List<Entry> byChange(List<Entry> entries) {
        return entries.stream().filter(e -> !e.onCorruptPrompt()).sorted(Comparator.comparingDouble((Entry e) -> -Math.abs(e.eceChange()))).toList();
    }

    /**
     * The report's per-condition diagram: the clean run and the {@value #DRAWN} conditions whose ECE
     * moved most, before scaling, and a table of the first {@value #LISTED} of them; none when no
     * condition is ranked.
     */
    static Optional<ReliabilityDiagram> diagram(List<Entry> entries, CalibrationFit clean) {
        List<Entry> ranked = byChange(entries);
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        List<ReliabilityDiagram.Curve> curves = new ArrayList<>();
        curves.add(CalibrationFit.curve("clean", clean.before()));
        ranked.stream().limit(DRAWN).forEach(e -> curves.add(CalibrationFit.curve(RunFigures.conditionText(e.condition()),
                e.fit().before())));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("clean", number(clean.accuracy()), number(clean.before().ece()), "", temperature(clean),
                number(clean.after().ece())));
        ranked.stream().limit(LISTED).forEach(e -> rows.add(List.of(RunFigures.conditionText(e.condition()),
                number(e.fit().accuracy()), number(e.fit().before().ece()), String.format(Locale.ROOT, "%+.3g", e.eceChange()),
                temperature(e.fit()), number(e.fit().after().ece()))));
        String note = String.format(Locale.ROOT, "Each condition's intervened model on test (%d examples) before temperature"
                + " scaling, against the clean run's: the %d of %d conditions whose ECE moved most. Per condition, T is fitted"
                + " on val and applied to test; the table lists the first %d, every condition is in calibration.json.%s",
                clean.nEval(), Math.min(DRAWN, ranked.size()), ranked.size(), Math.min(LISTED, ranked.size()),
                ranked.size() == entries.size() ? "" : String.format(Locale.ROOT, " Not ranked: %d conditions whose intervened"
                        + " run is the corrupt prompt (scored against the clean target, wrong by design).",
                        entries.size() - ranked.size()));
        return Optional.of(new ReliabilityDiagram("Calibration per condition", note, curves, new ReliabilityDiagram.Table(
                List.of("Condition", "Accuracy", "ECE (T = 1)", "Change from clean", "T (fitted on val)", "ECE (fitted T)"), rows)));
    }

    /** T, marked when the search stopped at a bound (e.g. every val answer right, which NLL rewards by sharpening without end). */
    private static String temperature(CalibrationFit fit) {
        return number(fit.temperature()) + (fit.fit().atBound() ? " (bound)" : "");
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}

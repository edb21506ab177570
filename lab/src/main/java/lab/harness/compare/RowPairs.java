package lab.harness.compare;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsTable;

/**
 * The rows of two runs of one experiment type paired: a row of A with the row of B that has the
 * same condition, example and seed, grouped by condition in A's order.
 *
 * @param byCondition condition label ("layer=1 position=4") to its pairs, each {row of A, row of B}
 * @param unpairedA rows of A without a partner
 * @param unpairedB rows of B without a partner
 */
record RowPairs(Map<String, List<ResultRow[]>> byCondition, int unpairedA, int unpairedB) {

    static RowPairs of(ResultsTable a, ResultsTable b) {
        List<String> conditions = a.schema().conditionNames();
        if (!conditions.equals(b.schema().conditionNames())) {
            throw new IllegalArgumentException("the runs have different condition columns (" + conditions + " vs "
                    + b.schema().conditionNames() + "): they are not runs of one experiment type");
        }
        Map<String, ResultRow> rowsOfB = new LinkedHashMap<>();
        for (ResultRow row : b.rows()) {
            if (rowsOfB.put(key(row, conditions), row) != null) {
                throw repeated("second", row, conditions);
            }
        }
        Map<String, List<ResultRow[]>> byCondition = new LinkedHashMap<>();
        Set<String> seenInA = new HashSet<>();
        int unpairedA = 0;
        for (ResultRow row : a.rows()) {
            if (!seenInA.add(key(row, conditions))) {
                throw repeated("first", row, conditions);
            }
            ResultRow partner = rowsOfB.remove(key(row, conditions));
            if (partner == null) {
                unpairedA++;
            } else {
                byCondition.computeIfAbsent(conditionLabel(row, conditions), k -> new ArrayList<>())
                        .add(new ResultRow[] {row, partner});
            }
        }
        if (byCondition.isEmpty()) {
            throw new IllegalArgumentException("no row of the first run has a partner (same condition, example_id and seed)"
                    + " in the second; compare runs of one corpus, subset and seeds");
        }
        return new RowPairs(byCondition, unpairedA, rowsOfB.size());
    }

    /** Every pair, condition after condition. */
    List<ResultRow[]> all() {
        List<ResultRow[]> all = new ArrayList<>();
        byCondition.values().forEach(all::addAll);
        return all;
    }

    /** Pairing needs one row per condition, example and seed, as every run writes them. */
    private static IllegalArgumentException repeated(String which, ResultRow row, List<String> conditions) {
        return new IllegalArgumentException("the " + which + " run has two rows for " + conditionLabel(row, conditions)
                + ", example " + row.exampleId() + ", seed " + row.seed() + ": its results.parquet is not one run's;"
                + " give run directories as harness run wrote them");
    }

    private static String key(ResultRow row, List<String> conditions) {
        return conditionLabel(row, conditions) + "|" + row.exampleId() + "|" + row.seed();
    }

    private static String conditionLabel(ResultRow row, List<String> conditions) {
        StringBuilder s = new StringBuilder();
        for (String c : conditions) {
            s.append(s.length() == 0 ? "" : " ").append(c).append('=').append(row.get(c));
        }
        return s.toString();
    }
}

package lab.experiments.heads;

import lab.experiments.FinishedRun;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;

/**
 * The heads of a finished heads_zero run ranked by the size of their effect on one metric: the
 * change from clean of its across-seed mean, |mean(logit_diff) - mean(clean_logit_diff)| for
 * logit_diff (the run's "logit_diff change" map), |mean| for kl, acc_flip_rate and p_drop (already
 * changes from clean). Only the full ablation (scale 0) counts. Ties go to the earlier head.
 */
public final class TopHeads {

    /** A head and the mean change its ablation caused. */
    public record RankedHead(int layer, int head, double change) {
    }

    private TopHeads() {
    }

    /** The {@code k} heads with the largest |change| of {@code metric}, largest first. */
    public static List<RankedHead> select(FinishedRun run, String metric, int k) {
        if (!HeadsZero.TYPE.equals(run.experimentType())) {
            throw new IllegalArgumentException("run " + run.directory() + " is a " + run.experimentType() + " run, not "
                    + HeadsZero.TYPE + "; give the directory of a finished heads_zero run");
        }
        if (!AnswerMetrics.ALL.contains(metric)) {
            throw new IllegalArgumentException("metric '" + metric + "' is not one of " + AnswerMetrics.ALL);
        }
        List<RankedHead> ranked = rank(run, metric);
        if (ranked.isEmpty()) {
            throw new IllegalArgumentException("run " + run.directory() + " has no " + metric + " at scale 0 in its summary;"
                    + " rank by a metric it measured, or run heads_zero with scale 0 and that metric");
        }
        if (k < 2 || k > ranked.size()) {
            throw new IllegalArgumentException("top_k is " + k + " but run " + run.directory() + " ablated " + ranked.size()
                    + " heads; give 2.." + ranked.size());
        }
        return List.copyOf(ranked.subList(0, k));
    }

    /** Every unordered pair among {@code heads}, each [l1, h1, l2, h2] with the earlier head first, sorted. */
    public static List<int[]> pairsAmong(List<RankedHead> heads) {
        return PairSelection.amongHeads(heads).stream()
                .map(p -> new int[] {p.layerA(), p.headA(), p.layerB(), p.headB()}).toList();
    }

    private static List<RankedHead> rank(FinishedRun run, String metric) {
        Map<List<Integer>, Double> value = new LinkedHashMap<>();
        Map<List<Integer>, Double> clean = new LinkedHashMap<>();
        for (FinishedRun.ConditionMean row : run.means()) {
            Map<String, Object> c = row.condition();
            if (!(c.get("layer") instanceof Number layer) || !(c.get("head") instanceof Number head)
                    || (c.get("scale") instanceof Number scale && scale.doubleValue() != 0.0)) {
                continue;
            }
            List<Integer> key = List.of(layer.intValue(), head.intValue());
            if (row.metric().equals(metric)) {
                value.put(key, row.mean());
            } else if (row.metric().equals(AnswerMetrics.CLEAN_LOGIT_DIFF)) {
                clean.put(key, row.mean());
            }
        }
        List<RankedHead> ranked = new ArrayList<>();
        value.forEach((key, mean) -> {
            double change = metric.equals(AnswerMetrics.LOGIT_DIFF) ? mean - clean.getOrDefault(key, Double.NaN) : mean;
            ranked.add(new RankedHead(key.get(0), key.get(1), change));
        });
        // NaN (no value in the summary) ranks last
        ranked.sort(Comparator.comparingDouble((RankedHead h) -> Double.isNaN(h.change()) ? -1 : Math.abs(h.change()))
                .reversed().thenComparingInt(RankedHead::layer).thenComparingInt(RankedHead::head));
        return ranked;
    }
}

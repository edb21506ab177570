package lab.experiments.heads;

import lab.experiments.RunInputs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ModelConfig;

/**
 * Which head pairs heads_pair_zero ablates: {@code "pairs"} as "all", "within_layer" or
 * "across_layers" (every unordered pair of the model's heads, those in one layer, those in two
 * layers), or an explicit list [[l1, h1, l2, h2], ...] (each pair in either order); or
 * {@code "from_run"}, {@code "top_k"}, {@code "metric"} (default logit_diff): every pair among the
 * top_k heads of a finished heads_zero run ({@link TopHeads}), read when the run is prepared.
 */
final class PairSelection {

    static final List<String> NAMED = List.of("all", "within_layer", "across_layers");

    private final String named;
    private final List<HeadPair> explicit;
    private final String fromRun;
    private final int topK;
    private final String metric;

    private PairSelection(String named, List<HeadPair> explicit, String fromRun, int topK, String metric) {
        this.named = named;
        this.explicit = explicit;
        this.fromRun = fromRun;
        this.topK = topK;
        this.metric = metric;
    }

    static PairSelection fromParams(JsonNode params) {
        boolean hasPairs = params.hasNonNull("pairs");
        boolean hasRun = params.hasNonNull("from_run");
        if (hasPairs == hasRun) {
            throw new IllegalArgumentException((hasPairs ? "experiment has both pairs and from_run; keep one: " : "experiment names no pairs; give ")
                    + "\"pairs\": \"all\" | \"within_layer\" | \"across_layers\" | [[l1, h1, l2, h2], ...], or \"from_run\": RUN_DIR"
                    + " with \"top_k\": k (every pair among the k heads of a heads_zero run with the largest effect)");
        }
        if (!hasRun) {
            for (String key : List.of("top_k", "metric")) {
                if (params.has(key)) {
                    throw new IllegalArgumentException("experiment." + key + " only applies with experiment.from_run; remove it");
                }
            }
            JsonNode pairs = params.get("pairs");
            if (pairs.isTextual()) {
                if (!NAMED.contains(pairs.asText())) {
                    throw new IllegalArgumentException("experiment.pairs is '" + pairs.asText() + "'; use one of " + NAMED
                            + " or a list [[l1, h1, l2, h2], ...]");
                }
                return new PairSelection(pairs.asText(), null, null, 0, null);
            }
            return new PairSelection(null, explicitPairs(pairs), null, 0, null);
        }
        if (!params.path("top_k").canConvertToInt() || params.path("top_k").asInt() < 2) {
            throw new IllegalArgumentException("experiment.from_run needs experiment.top_k, an integer of at least 2 (how many"
                    + " of the run's strongest heads to pair), found " + params.path("top_k"));
        }
        String metric = params.path("metric").asText(AnswerMetrics.LOGIT_DIFF);
        if (!AnswerMetrics.ALL.contains(metric)) {
            throw new IllegalArgumentException("experiment.metric is '" + metric + "'; use one of " + AnswerMetrics.ALL);
        }
        return new PairSelection(null, null, params.get("from_run").asText(), params.get("top_k").asInt(), metric);
    }

    private static List<HeadPair> explicitPairs(JsonNode pairs) {
        if (!pairs.isArray() || pairs.isEmpty()) {
            throw new IllegalArgumentException("experiment.pairs is " + (pairs.isArray() ? "an empty list" : pairs.toString())
                    + "; give at least one pair [l1, h1, l2, h2], or \"all\", \"within_layer\", \"across_layers\"");
        }
        TreeSet<HeadPair> seen = new TreeSet<>(HeadPair.ORDER);
        List<HeadPair> out = new ArrayList<>();
        for (JsonNode p : pairs) {
            boolean ints = p.isArray() && p.size() == 4;
            for (int i = 0; ints && i < 4; i++) {
                ints = p.get(i).canConvertToInt();
            }
            if (!ints) {
                throw new IllegalArgumentException("experiment.pairs holds " + p + "; each pair is [layer1, head1, layer2, head2]");
            }
            HeadPair pair;
            try {
                pair = HeadPair.of(p.get(0).asInt(), p.get(1).asInt(), p.get(2).asInt(), p.get(3).asInt());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("experiment.pairs: " + e.getMessage(), e);
            }
            if (!seen.add(pair)) {
                throw new IllegalArgumentException("experiment.pairs lists " + p + " twice (a pair is unordered); list it once");
            }
            out.add(pair);
        }
        return out;
    }

    /** Fails if an explicit pair names a head the model does not have (from_run heads are checked when read). */
    void check(ModelConfig model) {
        if (explicit != null) {
            for (HeadPair p : explicit) {
                HeadsZero.checkHead("experiment.pairs " + p, p.layerA(), p.headA(), model);
                HeadsZero.checkHead("experiment.pairs " + p, p.layerB(), p.headB(), model);
            }
        }
    }

    boolean needsRun() {
        return fromRun != null;
    }

    /** Named or explicit pairs, sorted; an error if none (e.g. across_layers on a one-layer model). */
    List<HeadPair> resolve(ModelConfig model) {
        if (fromRun != null) {
            throw new IllegalStateException("pairs from_run are read when the run is prepared");
        }
        List<HeadPair> pairs = new ArrayList<>();
        if (explicit != null) {
            pairs.addAll(explicit);
        } else {
            for (int la = 0; la < model.nLayers(); la++) {
                for (int ha = 0; ha < model.nHeads(); ha++) {
                    for (int lb = la; lb < model.nLayers(); lb++) {
                        for (int hb = lb == la ? ha + 1 : 0; hb < model.nHeads(); hb++) {
                            HeadPair p = new HeadPair(la, ha, lb, hb);
                            if (named.equals("all") || (named.equals("within_layer") == p.withinLayer())) {
                                pairs.add(p);
                            }
                        }
                    }
                }
            }
            if (pairs.isEmpty()) {
                throw new IllegalArgumentException("experiment.pairs \"" + named + "\" gives no pair on a model of "
                        + model.nLayers() + " layer(s) of " + model.nHeads() + " head(s); choose another selection");
            }
        }
        pairs.sort(HeadPair.ORDER);
        return pairs;
    }

    /** Every pair among the top_k heads of the from_run run, sorted. */
    List<HeadPair> resolveFromRun(ModelConfig model, RunInputs inputs) {
        List<TopHeads.RankedHead> top;
        try {
            top = TopHeads.select(inputs.finishedRun(fromRun), metric, topK);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("experiment.from_run: " + e.getMessage(), e);
        }
        for (TopHeads.RankedHead h : top) {
            HeadsZero.checkHead("experiment.from_run " + fromRun + " head", h.layer(), h.head(), model);
        }
        return amongHeads(top);
    }

    /** Every unordered pair of the given heads, sorted. */
    static List<HeadPair> amongHeads(List<TopHeads.RankedHead> heads) {
        List<HeadPair> pairs = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            for (int j = i + 1; j < heads.size(); j++) {
                pairs.add(HeadPair.of(heads.get(i).layer(), heads.get(i).head(), heads.get(j).layer(), heads.get(j).head()));
            }
        }
        pairs.sort(HeadPair.ORDER);
        return pairs;
    }
}

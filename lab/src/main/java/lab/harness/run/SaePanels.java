package lab.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lab.experiments.sae.FeatureAnalysis;
import lab.viz.FeaturePanelsHtml;

/** An SAE run's feature panels: the analysis handed to the page writer as plain data. */
final class SaePanels {

    static final String FILE = "sae_features.html";

    private SaePanels() {
    }

    static void write(FeatureAnalysis.Result analysis, String title, Path file) throws IOException {
        List<FeaturePanelsHtml.Panel> panels = analysis.features().stream().map(f -> new FeaturePanelsHtml.Panel(f.index(),
                f.firingRate(), f.maxActivation(), f.histogram(),
                f.contexts().stream().map(c -> new FeaturePanelsHtml.Context(c.tokens(), c.activations(), c.peak())).toList(),
                f.raises(), f.lowers())).toList();
        FeaturePanelsHtml.write(new FeaturePanelsHtml.Page(title, "first two principal components of the W_dec rows",
                analysis.decoderMap(), panels), file);
    }
}

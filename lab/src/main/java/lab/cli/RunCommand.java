package lab.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunState;
import lab.harness.run.ExperimentRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness run CONFIG.json [key.path=value ...] [-m key=a,b,c ...]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment config over its seeds: results.parquet, summary, heatmaps, report, provenance,"
                + " profile and MLflow, in a new directory under output.root.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG.json", description = "Run config (see lab/configs/schema/run-config.schema.json).")
    Path config;

    @Parameters(index = "1..*", paramLabel = "key.path=value",
            description = "Overrides; values parse as JSON when they can (seeds=[0,1], output.mlflow=false), else as strings.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "-m", paramLabel = "key=a,b,c", description = "Multirun: one run per value; several -m give every combination.")
    List<String> sweeps = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // every config is loaded and checked before the first run starts
        List<RunConfig> configs = RunConfigLoader.inWorkingDirectory().loadAll(config, overrides, sweeps);
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        int failed = 0;
        for (RunConfig c : configs) {
            try {
                ExperimentRunner.Outcome outcome = runner.run(c);
                System.out.println(outcome.state() + " " + outcome.directory());
            } catch (RuntimeException e) {
                if (configs.size() == 1) {
                    throw e;
                }
                failed++;
                System.err.println("harness run: " + c.name() + " FAILED: " + e.getMessage());
            }
        }
        return failed == 0 ? 0 : 1;
    }

}

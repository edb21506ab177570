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

/** {@code harness run CONFIG.json [key.path=value ...] [-m key=a,b,c ...]} or {@code harness run --resume RUN_DIR}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment config over its seeds: results.parquet, summary, heatmaps, report, provenance,"
                + " profile and MLflow, in a new directory under output.root. --resume continues a KILLED, STALE or FAILED"
                + " run in its own directory from its last finished seed.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG.json",
            description = "Run config (see lab/configs/schema/run-config.schema.json).")
    Path config;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue this run with its own config.json (refused if its config, corpus, split or weights changed).")
    Path resume;

    @Parameters(index = "1..*", paramLabel = "key.path=value",
            description = "Overrides; values parse as JSON when they can (seeds=[0,1], output.mlflow=false), else as strings.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "-m", paramLabel = "key=a,b,c", description = "Multirun: one run per value; several -m give every combination.")
    List<String> sweeps = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (resume != null) {
            if (config != null || !overrides.isEmpty() || !sweeps.isEmpty()) {
                throw new IllegalArgumentException("--resume takes no CONFIG.json, overrides or -m: a run resumes with its own"
                        + " config.json (to change the config, start a new run)");
            }
            ExperimentRunner.Outcome outcome = new ExperimentRunner(Clock.systemUTC()).resume(resume);
            System.out.println(outcome.state() + " " + outcome.directory());
            return 0;
        }
        if (config == null) {
            throw new IllegalArgumentException("give a CONFIG.json to run, or --resume RUN_DIR");
        }
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

/**
 * Run configs: the published JSON Schema ({@code lab/configs/schema/run-config.schema.json}, also
 * on the classpath), strict loading, {@code key.path=value} overrides, {@code -m} sweeps, and the
 * canonical config hash.
 *
 * <pre>{@code
 * RunConfigLoader loader = RunConfigLoader.inWorkingDirectory();      // relative paths: the project root
 * RunConfig config = loader.load(Path.of("run_h1.json"), List.of("seeds=[0,1]", "output.mlflow=false"));
 * List<RunConfig> sweep = loader.loadAll(file, overrides, List.of("experiment.scales=[0.0],[0.5]"));
 * config.experiment().type();            // "heads_zero"
 * config.experiment().param("scales");   // JsonNode [0.0, 0.5, 1.0]
 * config.output().mlflow().trackingTarget();   // Optional<String> for lab.tracking.RunTrackers.start
 * config.hash(); config.shortHash();      // SHA-256 of the canonical resolved config; first 8 hex
 * config.writeTo(runDir.resolve("config.json"));
 * }</pre>
 *
 * <p>Order of resolution: parse (malformed JSON, duplicate keys: file:line:column), overrides in
 * order (unknown keys refused with the valid keys beside them), schema defaults filled in,
 * validation (one line: file:line or the override, key path, problem, fix), files checked
 * ({@code model.path} with a config.json, {@code data.corpus}, {@code data.split}). Every failure
 * is a {@link lab.harness.config.ConfigException} (an IllegalArgumentException: the CLI prints its
 * message and exits 2).
 */
package lab.harness.config;

/**
 * Per-example results tables and their summary. Knows nothing of models, MLflow or charts.
 *
 * <p>Typical use by the harness:
 * <pre>{@code
 * ResultsSchema schema = ResultsSchema.builder()            // example_id, seed, group included
 *         .condition("layer", ColumnType.INT32).condition("head", ColumnType.INT32)
 *         .metric("logit_diff").metric("kl").baseline("clean_logit_diff")
 *         .build();
 * try (ResultsRecorder recorder = ResultsRecorder.inDirectory(schema, runDir)) {
 *     recorder.flushOnShutdown();                           // Ctrl+C keeps finished rows
 *     for (...) {
 *         recorder.newRow().exampleId(id).seed(seed).group(group)
 *                 .set("layer", layer).set("head", head)
 *                 .set("logit_diff", ld).set("kl", kl).set("clean_logit_diff", clean)
 *                 .append();
 *     }
 *     recorder.flush();                                     // any time: atomic rewrite
 * }                                                         // close(): final flush
 * SummaryWriter.write(SeedLevelSummarizer.summarize(recorder.table()), runDir);
 * ResultsTable again = ParquetResultsReader.read(runDir.resolve("results.parquet"));
 * }</pre>
 *
 * <p>Files: {@code results.parquet} (one row per example x condition x seed; STRING-annotated
 * text, int32/int64/double/boolean; NaN kept distinct from null), {@code summary.json} and
 * {@code summary.csv}; all written atomically (temp file in the same directory, then rename).
 */
package lab.harness.results;

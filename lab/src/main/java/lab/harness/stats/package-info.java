/**
 * Statistics for summaries and run comparisons, as pure functions of arrays with explicit seeds:
 * {@link lab.harness.stats.StudentT} quantiles, {@link lab.harness.stats.MeanConfidenceInterval}
 * (t interval), and for paired runs A vs B over the same examples
 * {@link lab.harness.stats.PairedBootstrap} (CI of mean(A - B)),
 * {@link lab.harness.stats.SignFlipTest} (permutation p-value of mean(A - B)) and
 * {@link lab.harness.stats.McNemarTest} (binary outcomes such as accuracy flips); for calibration
 * {@link lab.harness.stats.ExpectedCalibrationError} and {@link lab.harness.stats.TemperatureScaling}. NaN inputs are
 * rejected; {@link lab.harness.stats.PairedSamples#dropIncompletePairs} drops them explicitly.
 */
package lab.harness.stats;

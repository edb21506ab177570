/**
 * Run profiling: an OSHI sampler thread (process CPU, RSS, system available memory, JVM heap,
 * CUDA memory on a GPU run) and phase wall times, written as {@code profile.json} by
 * {@link lab.harness.profile.Profiler}.
 */
package lab.harness.profile;

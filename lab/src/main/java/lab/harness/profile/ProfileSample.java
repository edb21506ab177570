package lab.harness.profile;

/**
 * One sample of the run's resources.
 *
 * @param tMs milliseconds since the profiler started
 * @param processCpuPercent CPU used by this process since the previous sample, 100 = one core busy
 * @param gpuUsedBytes memory in use on the CUDA device, null when not sampled
 */
public record ProfileSample(long tMs, double processCpuPercent, long rssBytes, long jvmHeapUsedBytes,
                            long systemAvailableBytes, Long gpuUsedBytes) {
}

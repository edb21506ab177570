package lab.harness.profile;

import java.util.List;
import java.util.Map;

/**
 * The content of {@code profile.json}.
 *
 * @param phaseTotalsMs wall time per phase name, summed over repeats
 * @param meanProcessCpuPercent mean over samples after the first (the first has no interval)
 * @param gpuDevice the sampled CUDA device, null when none; then {@code gpuNote} says why
 * @param figures rates the run measured of itself (e.g. an SAE training's tokens per second and its
 *     share of the machine's matmul rate); empty for most runs
 */
public record ProfileReport(String startedAt, long wallMs, long intervalMs, int logicalCpus,
                            List<PhaseTiming> phases, Map<String, Long> phaseTotalsMs,
                            long peakRssBytes, double meanProcessCpuPercent, long minSystemAvailableBytes,
                            String gpuDevice, Long peakGpuUsedBytes, String gpuNote, List<ProfileSample> samples,
                            Map<String, Double> figures) {
}

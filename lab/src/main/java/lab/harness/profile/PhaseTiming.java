package lab.harness.profile;

/**
 * Wall time of one phase ({@code load_model}, {@code seed_0}, ...). Phases may nest and repeat.
 *
 * @param finished false when the profiler stopped while the phase was still open (Ctrl+C)
 */
public record PhaseTiming(String name, long startMs, long wallMs, boolean finished) {
}

package lab.training;

/** Linear warmup from 0 to the peak, then cosine decay to {@code peak * minRatio} at the last step. */
public record LearningRate(double peak, int warmupSteps, int totalSteps, double minRatio) {

    /** The rate for 0-based {@code step}. */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = totalSteps <= warmupSteps ? 1 : (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        return peak * (minRatio + (1 - minRatio) * cosine);
    }
}

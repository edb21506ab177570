package lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) on raw NDArrays, updating the weights in place: DJL's optimizers
 * work on Block parameters, the runtime's weights are plain arrays. Decoupled weight decay
 * applies to matrices and embeddings (rank 2), not to biases and norm gains. Moments live in the
 * optimizer's own manager; every temporary of an update lands in the caller's scratch manager.
 */
public final class AdamW implements AutoCloseable {

    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();

    public AdamW(NDManager parent, Map<String, NDArray> params, double beta1, double beta2, double eps, double weightDecay) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        params.forEach((name, p) -> {
            m.put(name, manager.zeros(p.getShape(), p.getDataType()));
            v.put(name, manager.zeros(p.getShape(), p.getDataType()));
        });
    }

    /**
     * One update: p -= lr * (m_hat / (sqrt(v_hat) + eps) + wd * p).
     *
     * @param step 1-based step number, for the bias corrections
     * @param grads gradients by parameter name, already clipped, owned by {@code scratch}
     */
    public void update(Map<String, NDArray> params, Map<String, NDArray> grads, long step, double lr, NDManager scratch) {
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray g = grads.get(name);
            NDArray mi = m.get(name);
            NDArray vi = v.get(name);
            mi.muli(beta1).addi(g.mul(1 - beta1));
            vi.muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray denom = scratch(scratch, vi.div(c2)).sqrt().addi(eps);
            NDArray update = scratch(scratch, mi.div(c1)).divi(denom);
            if (weightDecay > 0 && p.getShape().dimension() == 2) {
                update.addi(scratch(scratch, p.mul(weightDecay)));
            }
            p.subi(update.muli(lr));
        }
    }

    private static NDArray scratch(NDManager scratch, NDArray a) {
        a.attach(scratch);
        return a;
    }

    public Map<String, NDArray> firstMoments() {
        return m;
    }

    public Map<String, NDArray> secondMoments() {
        return v;
    }

    /** Replaces the moments with saved ones (copied). */
    public void restore(Map<String, NDArray> savedM, Map<String, NDArray> savedV) {
        m.forEach((name, a) -> a.set(savedM.get(name).toFloatArray()));
        v.forEach((name, a) -> a.set(savedV.get(name).toFloatArray()));
    }

    @Override
    public void close() {
        manager.close();
    }
}

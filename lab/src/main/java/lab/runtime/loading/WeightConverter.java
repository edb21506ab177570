package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import lab.runtime.ModelConfig;

/**
 * One model family: reads its config.json into a {@link ModelConfig} and maps its HF tensors
 * onto the runtime's names ({@link lab.runtime.WeightLayout}).
 */
public interface WeightConverter {

    ModelConfig config(HfConfig hf);

    /** Runtime name to tensor; new tensors may be made in the source tensors' manager. */
    Map<String, NDArray> convert(ModelConfig config, TensorSource source);
}

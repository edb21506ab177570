/**
 * The embedded default model: a small GPT-2-family transformer trained from scratch on synthetic
 * tasks whose circuits are known, so that the lab can be seen to find them.
 *
 * <p>{@link lab.training.ToyWorld} (seeded) holds the words, IOI templates (some held out), names
 * (some held out of IOI training) and a made-up geography; {@link lab.training.Vocabulary} and
 * {@link lab.training.TokenizerJson} make its word-level HF tokenizer. {@link lab.training.InductionTask},
 * {@link lab.training.IoiTask} and {@link lab.training.FactsTask} draw documents, which
 * {@link lab.training.TrainingStream} packs into batches that depend only on (seed, step).
 * {@link lab.training.Trainer} runs AdamW ({@link lab.training.AdamW}) with warmup and cosine decay
 * ({@link lab.training.LearningRate}), clipping, a progress bar, the loss curve ({@link lab.training.LossLog})
 * and resumable checkpoints ({@link lab.training.TrainingCheckpoint}). {@link lab.training.Gpt2Export}
 * writes the HF GPT-2 folder, {@link lab.training.ToyClaims} measures the claims and
 * {@link lab.training.ModelCard} writes them down; {@link lab.training.CorpusGenerator} draws the sample
 * corpora. Depends on the runtime and on {@code lab.data}; the runtime knows nothing of it.
 */
package lab.training;

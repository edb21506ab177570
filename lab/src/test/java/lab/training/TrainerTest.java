package lab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The micro config trains fast and its loss falls; a resumed run equals an uninterrupted one. */
class TrainerTest {

    @TempDir
    Path dir;

    @Test
    void microConfigTrainsInUnder30SecondsAndItsLossFalls() throws Exception {
        TrainConfig config = ToyWorldTest.MICRO;
        ToyWorld world = ToyWorld.generate(config.world(), config.seed());
        long start = System.nanoTime();
        Trainer.Result r;
        try (Trainer t = new Trainer(config, world, dir.resolve("run"), false)) {
            t.run(new Trainer.Options(false, 70, null));
            int arrays = t.model().weights().manager().getManagedArrays().size();
            r = t.run(new Trainer.Options(false, -1, null));
            assertEquals(arrays, t.model().weights().manager().getManagedArrays().size(), "no arrays leak per step");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 30, "micro training took " + seconds + " s");
        assertEquals(config.optimizer().steps(), r.steps());
        assertTrue(r.finalLoss() < r.firstLoss() - 0.75, "loss " + r.firstLoss() + " -> " + r.finalLoss());
        List<String> csv = Files.readAllLines(dir.resolve("run/loss.csv"));
        assertEquals(LossLog.HEADER, csv.get(0));
        assertEquals(1 + config.optimizer().steps() / config.optimizer().logEvery(), csv.size());
        assertTrue(Files.size(dir.resolve("run/loss.png")) > 1000);
    }

    @Test
    void resumingFromACheckpointReproducesTheUninterruptedRun() throws Exception {
        TrainConfig config = ToyWorldTest.MICRO.withSteps(20);
        ToyWorld world = ToyWorld.generate(config.world(), config.seed());
        Map<String, float[]> straight;
        Trainer.Result full;
        try (Trainer t = new Trainer(config, world, dir.resolve("straight"), false)) {
            full = t.run(new Trainer.Options(false, -1, null));
            straight = snapshot(t);
        }
        try (Trainer t = new Trainer(config, world, dir.resolve("resumed"), false)) {
            Trainer.Result half = t.run(new Trainer.Options(false, 10, null));
            assertEquals(10, half.steps());
        }
        try (Trainer t = new Trainer(config, world, dir.resolve("resumed"), false)) {
            assertEquals(10, t.step());
            Trainer.Result rest = t.run(new Trainer.Options(false, -1, null));
            assertEquals(10, rest.resumedFrom());
            assertEquals(20, rest.steps());
            assertEquals(full.dataSha256(), rest.dataSha256(), "the same batches, in the same order");
            Map<String, float[]> resumed = snapshot(t);
            for (String name : straight.keySet()) {
                assertArrayEquals(straight.get(name), resumed.get(name), 1e-6f, name);
            }
        }
        assertEquals(Files.readAllLines(dir.resolve("straight/loss.csv")).size(),
                Files.readAllLines(dir.resolve("resumed/loss.csv")).size());
    }

    /**
     * Two identical runs give bit-identical weights even while the garbage collector runs all the
     * time: nothing the backward pass reads may live in Java memory that a collection can free
     * (DJL's number arguments, {@code x.mul(0.5)}, once did).
     */
    @Test
    void identicalRunsGiveBitIdenticalWeightsUnderConstantGarbageCollection() throws Exception {
        TrainConfig config = ToyWorldTest.MICRO.withSteps(40);
        ToyWorld world = ToyWorld.generate(config.world(), config.seed());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!done.get()) {
                System.gc();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        collector.setDaemon(true);
        collector.start();
        try {
            Map<String, float[]> first = null;
            for (int run = 0; run < 2; run++) {
                try (Trainer t = new Trainer(config, world, dir.resolve("gc" + run), true)) {
                    Trainer.Result r = t.run(new Trainer.Options(true, -1, null));
                    assertEquals(0, r.skippedSteps(), "steps with a non-finite gradient");
                    Map<String, float[]> weights = snapshot(t);
                    if (first == null) {
                        first = weights;
                    } else {
                        for (String name : first.keySet()) {
                            assertArrayEquals(first.get(name), weights.get(name), 0f, name);
                        }
                    }
                }
            }
        } finally {
            done.set(true);
            collector.join();
        }
    }

    private static Map<String, float[]> snapshot(Trainer t) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : t.model().weights().all().entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }
}

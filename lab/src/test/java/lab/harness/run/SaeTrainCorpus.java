package lab.harness.run;

import java.util.ArrayList;
import java.util.List;

/** A small IOI-shaped corpus for sae_train runs on the toy model (the resume tests train on it). */
public final class SaeTrainCorpus {

    private SaeTrainCorpus() {
    }

    /** {@code n} JSONL lines, each pair of names different (target and foil are distinct tokens). */
    public static List<String> lines(int n) {
        List<String> lines = new ArrayList<>();
        String[] names = {"Mary", "John", "Anna", "Carl", "Sam", "Vera"};
        for (int i = 0; i < n; i++) {
            String a = names[i % 6];
            String b = names[(i + 1 + i / 6 % 5) % 6];
            lines.add(String.format("{\"id\": \"e%d\", \"clean\": \"When %s and %s went to the garden , %s gave a hat to\","
                    + " \"corrupt\": \"When %s and %s went to the garden , %s gave a hat to\", \"target\": \" %s\","
                    + " \"foil\": \" %s\", \"group\": \"g%d\"}", i, a, b, b, a, b, a, a, b, i));
        }
        return lines;
    }
}

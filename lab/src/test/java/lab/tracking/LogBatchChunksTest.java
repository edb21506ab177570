package lab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class LogBatchChunksTest {

    @Test
    void splitsOnCountAndOnSize() {
        List<Integer> items = List.of(1, 2, 3, 4, 5, 6, 7);
        assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7)),
                LogBatchChunks.split(items, 3, 1000, i -> 1));
        assertEquals(List.of(List.of(1, 2), List.of(3), List.of(4), List.of(5), List.of(6), List.of(7)),
                LogBatchChunks.split(items, 100, 5, i -> i));
        assertEquals(List.of(), LogBatchChunks.split(Collections.<Integer>emptyList(), 3, 10, i -> 1));
    }

    @Test
    void bigParamValuesNeverExceedTheRequestLimit() {
        // 100 params of 6000 non-ASCII characters would be ~3.6 MB of escaped JSON in one request
        String value = "é".repeat(6000);
        List<String> params = Collections.nCopies(100, value);
        var chunks = LogBatchChunks.split(params, 100, LogBatchChunks.MAX_JSON_CHARS,
                v -> LogBatchChunks.entryJsonChars("key", v));
        for (var chunk : chunks) {
            long size = chunk.stream().mapToLong(v -> LogBatchChunks.entryJsonChars("key", v)).sum();
            assertEquals(true, size <= LogBatchChunks.MAX_JSON_CHARS, "chunk of " + chunk.size());
        }
        assertEquals(100, chunks.stream().mapToInt(List::size).sum());
        assertEquals(LogBatchChunks.entryJsonChars("k", "ab"), 40 + 3 + 4);
    }
}

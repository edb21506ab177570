package lab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class RunTrackersTest {

    @Test
    void httpTargetsAreServersWithoutTrailingSlash() {
        assertEquals(URI.create("http://127.0.0.1:5000"), RunTrackers.parse("http://127.0.0.1:5000/"));
        assertEquals(URI.create("https://host/mlflow"), RunTrackers.parse(" https://host/mlflow "));
        assertEquals(URI.create("HTTP://h:1"), RunTrackers.parse("HTTP://h:1"));
    }

    @Test
    void pathsAndFileUrisAreFileStores() {
        assertEquals(Path.of("mlruns"), RunTrackers.parse("mlruns"));
        assertEquals(Path.of("/abs/ml runs"), RunTrackers.parse("file:///abs/ml%20runs"));
        assertEquals(Path.of("./out/mlruns"), RunTrackers.parse("./out/mlruns"));
    }

    @Test
    void otherSchemesAndBlankTargetsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> RunTrackers.parse("sqlite:///mlflow.db"));
        assertTrue(e.getMessage().contains("unsupported tracking URI scheme"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunTrackers.parse("databricks://profile"));
        assertThrows(IllegalArgumentException.class, () -> RunTrackers.parse("  "));
        assertThrows(IllegalArgumentException.class, () -> RunTrackers.parse("http://"));
    }
}

package lab.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultirunTest {

    private static List<String> texts(List<ConfigOverride> combination) {
        return combination.stream().map(o -> o.key() + "=" + o.value()).toList();
    }

    @Test
    void cartesianProductFirstSweepSlowest() {
        List<List<ConfigOverride>> runs = Multirun.expand(List.of("seeds=[0],[1]", "experiment.position=all,last,x"));
        assertEquals(6, runs.size());
        assertEquals(List.of("seeds=[0]", "experiment.position=\"all\""), texts(runs.get(0)));
        assertEquals(List.of("seeds=[0]", "experiment.position=\"last\""), texts(runs.get(1)));
        assertEquals(List.of("seeds=[1]", "experiment.position=\"x\""), texts(runs.get(5)));
    }

    @Test
    void valuesAreJsonWhenTheyParse() {
        List<ConfigOverride> choices = Multirun.choices("k=1,2.5,true,false,null,abc,\"a,b\",{\"x\":[1,2]},");
        assertEquals(List.of("1", "2.5", "true", "false", "null", "\"abc\"", "\"a,b\"", "{\"x\":[1,2]}", "\"\""),
                choices.stream().map(o -> o.value().toString()).toList());
        assertTrue(choices.get(0).value().isInt());
        assertTrue(choices.get(5).value().isTextual());
    }

    @Test
    void noSweepIsOneRun() {
        assertEquals(List.of(List.of()), Multirun.expand(List.of()));
    }

    @Test
    void malformedSweeps() {
        assertTrue(assertThrows(ConfigException.class, () -> Multirun.expand(List.of("seeds")))
                .getMessage().contains("expected key.path=value1,value2"));
        assertTrue(assertThrows(ConfigException.class, () -> Multirun.expand(List.of("seeds=[0,1")))
                .getMessage().contains("unbalanced"));
    }

    @Test
    void overrideValueParsing() {
        assertEquals("[0,1]", ConfigOverride.parse("seeds=[0,1]").value().toString());
        assertTrue(ConfigOverride.parse("output.mlflow=false").value().isBoolean());
        assertEquals("a=b", ConfigOverride.parse("name=a=b").value().asText());
        assertEquals("cuda:0", ConfigOverride.parse("model.device=cuda:0").value().asText());
        assertEquals("1abc", ConfigOverride.parse("name=1abc").value().asText());
        assertTrue(assertThrows(ConfigException.class, () -> ConfigOverride.parse("a..b=1")).getMessage()
                .contains("is not a key path"));
    }
}

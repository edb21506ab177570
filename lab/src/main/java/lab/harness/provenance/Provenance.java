package lab.harness.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import lab.harness.config.ConfigOverride;
import lab.harness.config.RunConfig;
import lab.io.AtomicFiles;

/**
 * How a run was made, as one value (Tribuo-style), built in one place ({@link #collect}) and
 * written as the run's {@code provenance.json}: the SHA-256 of the resolved config, the corpus,
 * the split and every file of the model directory; the git commit and dirty flag; Java, DJL,
 * PyTorch and every jar; the machine; and the command lines that make the run again.
 *
 * @param command the command that made this run: config file as given plus overrides
 * @param rerun the command that makes it again from the run directory's resolved config.json alone
 * @param split null when the config has no split
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(String createdAt, String configSha256, String command, String rerun,
                         FileDigest corpus, FileDigest split, List<FileDigest> modelFiles,
                         GitInfo git, SoftwareInfo software, HostInfo host) {

    public static final String FILE_NAME = "provenance.json";

    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public Provenance {
        modelFiles = List.copyOf(modelFiles);
    }

    /**
     * Collects everything for a run of {@code config} in {@code runDir} on {@code device}; git is
     * asked about {@link RunConfig#baseDir()} (the project root).
     */
    public static Provenance collect(RunConfig config, Path runDir, String device, Clock clock) throws IOException {
        return collect(config, runDir, HostInfo.detect(device), SoftwareInfo.detect(), clock);
    }

    /** As {@link #collect(RunConfig, Path, String, Clock)} with the machine and software given. */
    public static Provenance collect(RunConfig config, Path runDir, HostInfo host, SoftwareInfo software, Clock clock)
            throws IOException {
        Path base = config.baseDir();
        FileDigest corpus = FileDigest.of(config.data().corpus(), shown(base, config.data().corpus()));
        FileDigest split = config.data().split().isPresent()
                ? FileDigest.of(config.data().split().get(), shown(base, config.data().split().get())) : null;
        return new Provenance(clock.instant().toString(), config.hash(), command(config),
                "scripts/harness run " + quote(shown(base, runDir.resolve("config.json"))),
                corpus, split, modelFiles(config.model().path()), GitInfo.of(base), software, host);
    }

    /** Every regular file under the model directory, by relative path, sorted. */
    static List<FileDigest> modelFiles(Path modelDir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(modelDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        List<FileDigest> digests = new ArrayList<>();
        for (Path file : files) {
            digests.add(FileDigest.of(file, modelDir.relativize(file).toString().replace('\\', '/')));
        }
        return digests;
    }

    static String command(RunConfig config) {
        StringBuilder s = new StringBuilder("scripts/harness run ").append(quote(config.source()));
        for (ConfigOverride o : config.overrides()) {
            s.append(' ').append(quote(o.key() + "=" + (o.value().isTextual() ? o.value().asText() : o.value().toString())));
        }
        return s.toString();
    }

    /** A path relative to the project root when it is inside it, else absolute. */
    static String shown(Path base, Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
    }

    /** POSIX shell quoting: bare when safe, else in single quotes. */
    public static String quote(String arg) {
        if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_./:=,@%+-]+")) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rewrites a run's provenance.json through {@code change}, atomically: for what is learned after the run started. */
    static void update(Path runDir, Consumer<ObjectNode> change)
            throws IOException {
        Path file = runDir.resolve(FILE_NAME);
        ObjectNode tree = (ObjectNode) MAPPER.readTree(Files.readString(file));
        change.accept(tree);
        AtomicFiles.writeString(file, MAPPER.writeValueAsString(tree) + "\n");
    }

    /** Writes {@code provenance.json} into the run directory atomically. */
    public Path writeTo(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE_NAME);
        AtomicFiles.writeString(file, toJson());
        return file;
    }
}

package lab.harness.provenance;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the runtime classpath. Maven coordinates come from the jar's
 * {@code META-INF/maven/.../pom.properties} when it has exactly one, else from its file name
 * ({@code name-1.2.3.jar}). Jars named in a manifest {@code Class-Path} (the {@code java -jar
 * lab.jar} launcher, Surefire's booter jar) are followed.
 *
 * @param group Maven groupId, null when only the file name was known
 * @param file the jar's (or class directory's) file name
 */
public record Dependency(String group, String artifact, String version, String file) {

    private static final Pattern NAME_VERSION = Pattern.compile("^(.+?)-(\\d[^-]*(?:-.+)?)\\.jar$");

    /** The runtime classpath of this JVM, in order, without duplicates. */
    public static List<Dependency> ofRuntimeClasspath() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                collect(Path.of(entry).toAbsolutePath().normalize(), entries, 0);
            }
        }
        List<Dependency> dependencies = new ArrayList<>();
        for (Path entry : entries) {
            dependencies.add(describe(entry));
        }
        return dependencies;
    }

    private static void collect(Path entry, Set<Path> entries, int depth) {
        if (!entries.add(entry) || depth > 2 || !Files.isRegularFile(entry)) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null) {
                return;
            }
            for (String item : classPath.trim().split("\\s+")) {
                Path resolved = resolveManifestEntry(entry, item);
                if (resolved != null) {
                    collect(resolved, entries, depth + 1);
                }
            }
        } catch (IOException e) {
            // not a readable jar: listed by name only
        }
    }

    private static Path resolveManifestEntry(Path jar, String item) {
        try {
            if (item.startsWith("file:")) {
                return Path.of(java.net.URI.create(item)).normalize();
            }
            return jar.getParent().resolve(item).normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static Dependency describe(Path entry) {
        String file = entry.getFileName().toString();
        if (Files.isRegularFile(entry) && file.endsWith(".jar")) {
            try (JarFile jar = new JarFile(entry.toFile())) {
                List<java.util.jar.JarEntry> poms = jar.stream()
                        .filter(e -> e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties"))
                        .toList();
                if (poms.size() == 1) {
                    Properties p = new Properties();
                    try (InputStream in = jar.getInputStream(poms.get(0))) {
                        p.load(in);
                    }
                    if (p.getProperty("artifactId") != null && p.getProperty("version") != null) {
                        return new Dependency(p.getProperty("groupId"), p.getProperty("artifactId"),
                                p.getProperty("version"), file);
                    }
                }
            } catch (IOException e) {
                // fall back to the file name
            }
        }
        Matcher m = NAME_VERSION.matcher(file);
        return m.matches() ? new Dependency(null, m.group(1), m.group(2), file) : new Dependency(null, file, null, file);
    }
}

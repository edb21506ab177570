package lab.harness.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The source the run was built from. {@code available} is false (with a {@code note} saying why)
 * outside a git checkout or without git; a run never fails for that.
 *
 * @param commit full SHA-1 of HEAD
 * @param dirty tracked files differ from HEAD (untracked files are not counted, as {@code git describe --dirty})
 */
public record GitInfo(boolean available, String commit, Boolean dirty, String note) {

    private static final long TIMEOUT_SECONDS = 10;

    public static GitInfo of(Path directory) {
        try {
            Result head = git(directory, "rev-parse", "HEAD");
            if (head.code != 0) {
                return new GitInfo(false, null, null, "not a git checkout (" + directory.toAbsolutePath().normalize()
                        + "): " + firstLine(head.err));
            }
            Result status = git(directory, "status", "--porcelain", "--untracked-files=no");
            if (status.code != 0) {
                return new GitInfo(true, head.out.strip(), null, "git status failed: " + firstLine(status.err));
            }
            return new GitInfo(true, head.out.strip(), !status.out.isBlank(), null);
        } catch (IOException e) {
            return new GitInfo(false, null, null, "git could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GitInfo(false, null, null, "interrupted while running git");
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result git(Path directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", directory.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<String> out = read(process.getInputStream());
        CompletableFuture<String> err = read(process.getErrorStream());
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "", "git " + args[0] + " took longer than " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "no output" : line;
    }
}

package lab.harness.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short external command (sbatch, scontrol, sacct) and captures what it printed. */
final class Commands {

    /** Exit status and combined stdout + stderr; {@code exitCode} 127 when the program is missing. */
    record Result(int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }

        String firstLine() {
            return output.strip().lines().findFirst().orElse("(no output)");
        }
    }

    private Commands() {
    }

    static Result run(List<String> command, Duration timeout) {
        java.nio.file.Path out;
        try {
            out = java.nio.file.Files.createTempFile("harness-cmd", ".out");
        } catch (IOException e) {
            return new Result(1, "cannot create a temporary file: " + e.getMessage());
        }
        try {
            // output to a file, not a pipe: a hung command then cannot block the read past the timeout
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                return new Result(127, command.get(0) + ": " + e.getMessage());
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(124, command.get(0) + " did not answer within " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(1, command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, command.get(0) + ": interrupted");
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a stray temp file is harmless
            }
        }
    }

    /** Whether a program is on the PATH. */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

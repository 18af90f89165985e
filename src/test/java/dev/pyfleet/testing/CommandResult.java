package dev.pyfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The exit code and combined output of a finished process. */
public record CommandResult(int exitCode, String output) {

    /** Runs a command to completion (at most 30 minutes: a cold control-plane build is the slow case). */
    public static CommandResult run(List<String> command, Path workDir, Map<String, String> env) {
        return run(command, workDir, env, "");
    }

    /** Runs a command as {@link #run(List, Path, Map)} does, with {@code stdin} as its standard input. */
    public static CommandResult run(List<String> command, Path workDir, Map<String, String> env, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            try (var input = process.getOutputStream()) {
                input.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new CommandResult(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

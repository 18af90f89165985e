package dev.pyfleet.cli;

import java.util.List;

/** The operator image's command-line tools, run as {@code java -jar quarkus-run.jar <tool> ...}. */
public final class Cli {

    /** The first arguments that select a tool rather than starting the operator. */
    public static final List<String> TOOLS = List.of("replay", "what-if");

    private Cli() {
    }

    /** Runs the tool named by {@code args[0]}; returns the process exit status. */
    public static int run(String... args) {
        List<String> rest = List.of(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "replay" -> ReplayCommand.run(rest);
                case "what-if" -> WhatIfCommand.run(rest);
                default -> throw new UsageException("unknown tool " + args[0]);
            };
        } catch (UsageException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.err.println(args[0].equals("replay") ? ReplayCommand.USAGE : WhatIfCommand.USAGE);
            return 2;
        } catch (Exception e) {
            System.err.println(args[0] + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    static String value(List<String> args, int at, String flag) {
        if (at >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(at);
    }

    static int intValue(List<String> args, int at, String flag, int least, int most) {
        String value = value(args, at, flag);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= least && parsed <= most) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw new UsageException(flag + " must be a whole number from " + least + " to " + most + ", not " + value);
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}

package dev.pyfleet.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The jar's entry point: {@code replay} and {@code what-if} run a command-line tool and exit; anything else starts
 * the operator. The tools need no cluster of their own and start nothing of the operator.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (args.length > 0 && Cli.TOOLS.contains(args[0])) {
            System.exit(Cli.run(args));
        }
        Quarkus.run(args);
    }
}

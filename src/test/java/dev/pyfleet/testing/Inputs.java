package dev.pyfleet.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Test inputs from outside the repository (../shared fixtures, Debian's cloud-init). Locally a missing input skips
 * the test and says why; in CI ({@code CI=true}), where they are always provided, a missing input fails it, so that
 * a green run cannot hide tests that did not run.
 */
public final class Inputs {

    private Inputs() {
    }

    public static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        if (inCi()) {
            Assertions.fail(missing + " (CI=true: every input must be present)");
        }
        Assumptions.assumeTrue(false, missing);
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}

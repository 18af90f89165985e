package dev.pyfleet.reliability;

import java.util.Random;

/**
 * The size of a reliability test: its short form runs in {@code make test}, its long form in {@code make chaos}
 * ({@code -Dpyfleet.chaos=long}). Random choices come from one seed, printed, and replayable with
 * {@code -Dpyfleet.chaos.seed=N}.
 */
final class Chaos {

    private Chaos() {
    }

    static boolean longForm() {
        return "long".equals(System.getProperty("pyfleet.chaos"));
    }

    static int pick(int shortForm, int longForm) {
        return longForm() ? longForm : shortForm;
    }

    static Random random(String test) {
        long seed = Long.getLong("pyfleet.chaos.seed", System.nanoTime());
        System.out.printf("[chaos] %s: %s form, seed %d (replay with -Dpyfleet.chaos.seed=%d)%n", test,
                longForm() ? "long" : "short", seed, seed);
        return new Random(seed);
    }
}

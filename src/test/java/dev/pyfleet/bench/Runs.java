package dev.pyfleet.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Repeated measurements of one quantity, reported as the median with the spread (lowest–highest) beside it: one run
 * on a shared machine says little, and a ratio of two single runs less.
 */
public final class Runs {

    /** How many times every comparison runs. */
    public static final int ROUNDS = 3;

    private final List<Double> values = new ArrayList<>();

    public void add(double value) {
        values.add(value);
    }

    public double median() {
        List<Double> sorted = sorted();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** e.g. {@code 38.3 (36.0–40.1)} for the format {@code %.1f}. */
    public String summary(String format) {
        List<Double> sorted = sorted();
        return (format + " (" + format + "–" + format + ")").formatted(median(), sorted.get(0),
                sorted.get(sorted.size() - 1));
    }

    /** The contenders in the order they run in this round: as given in even rounds, reversed in odd ones. */
    public static <T> List<T> order(List<T> contenders, int round) {
        List<T> ordered = new ArrayList<>(contenders);
        if (round % 2 == 1) {
            Collections.reverse(ordered);
        }
        return ordered;
    }

    private List<Double> sorted() {
        if (values.isEmpty()) {
            throw new IllegalStateException("no runs measured");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }
}

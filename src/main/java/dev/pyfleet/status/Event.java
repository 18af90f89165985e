package dev.pyfleet.status;

/**
 * Something worth telling about a custom resource in a core Event: decided by a plan or a status report, and
 * recorded once, at the end of the reconcile that decided it.
 */
public record Event(boolean warning, String reason, String message) {

    public static Event normal(String reason, String message) {
        return new Event(false, reason, message);
    }

    public static Event warning(String reason, String message) {
        return new Event(true, reason, message);
    }
}

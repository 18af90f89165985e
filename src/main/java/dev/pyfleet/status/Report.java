package dev.pyfleet.status;

import java.util.List;

/** A status built from scratch by one reconcile, and the Events that telling it calls for. */
public record Report<S>(S status, List<Event> events) {
}

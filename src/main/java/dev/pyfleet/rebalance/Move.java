package dev.pyfleet.rebalance;

/** One Pod to move from the node it runs on to another. */
public record Move(String pod, String from, String to) {
}

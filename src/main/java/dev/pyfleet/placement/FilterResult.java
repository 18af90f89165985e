package dev.pyfleet.placement;

import java.util.List;
import java.util.Map;

/** The nodes that can take a pod, and for every other node why not. */
public record FilterResult(List<String> fits, Map<String, Rejection> rejected) {
}

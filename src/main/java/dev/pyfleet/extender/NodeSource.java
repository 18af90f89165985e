package dev.pyfleet.extender;

import java.util.Collection;
import java.util.List;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;

/** Where the extender gets its node snapshots and records the pods it has placed but not yet seen bound. */
public interface NodeSource {

    List<NodeSnapshot> snapshot(Collection<String> names);

    void assume(String podUid, PodRequest pod, String node);
}

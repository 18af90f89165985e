package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * The plan and how far it is carried out. Each move's state is written before the move starts, so an operator that
 * restarts mid-apply resumes from here: it never repeats a move that finished, nor loses one under way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RebalanceStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,

        @JsonPropertyDescription("One word for people: Planning, Planned, Applying, Applied, NoPlan (nothing to plan: "
                + "tried again every 30 s) or Interrupted (the operator stopped while planning: not tried again "
                + "until the spec changes).")
        String phase,

        @JsonPropertyDescription("The plan, once computed.")
        Plan plan,

        @JsonPropertyDescription("While applying and after: moves done / planned, and how many are under way, "
                + "skipped or failed, e.g. \"4/10 moved, 2 in flight, 1 skipped\".")
        String progress,

        @JsonPropertyDescription("Planned and Applied, Ready (the summary: the plan is shown, or applied when "
                + "asked), and kstatus's Reconciling and Stalled; one of each type.")
        List<Condition> conditions) implements ConditionedStatus<RebalanceStatus> {

    public static final RebalanceStatus EMPTY = new RebalanceStatus(null, null, null, null, null);

    @Override
    public RebalanceStatus withConditions(List<Condition> replaced) {
        return new RebalanceStatus(observedGeneration, phase, plan, progress, replaced);
    }

    /** What the solver found, and the moves that get there. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Plan(
            @JsonPropertyDescription("The spec this plan answers (every field but action), as a digest: a plan for "
                    + "another objective, scope or budget is computed again.")
            String specDigest,

            @JsonPropertyDescription("When the plan was computed (RFC 3339).")
            String computedAt,

            @JsonPropertyDescription("Optimal (proven best within the limits), Feasible (best found in the time "
                    + "limit; see gap), NoPlan or Interrupted (see message), or Planning while the solver runs.")
            String outcome,

            @JsonPropertyDescription("The objective now: nodes in use, the busiest node's CPU requests in permille "
                    + "of its allocatable, or GPU nodes running a GPU Pod.")
            Long objectiveNow,

            @JsonPropertyDescription("The objective once every move is made.")
            Long objectivePlanned,

            @JsonPropertyDescription("A value no plan within the same limits can beat.")
            Long bound,

            @JsonPropertyDescription("How far the plan may be from the best possible, as a share of it, e.g. "
                    + "\"4.2%\"; \"0%\" when proven best.")
            String gap,

            @JsonPropertyDescription("How the plan was found, or why there is none.")
            String message,

            @JsonPropertyDescription("Solver time in seconds.")
            String solverSeconds,

            @JsonPropertyDescription("Nodes the moves leave with no Pod at all.")
            List<String> nodesFreed,

            @JsonPropertyDescription("Every move, in the order they are made.")
            List<MoveStatus> moves) {
    }

    /** One Pod or VM to move, and how far it has got. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MoveStatus(
            @JsonPropertyDescription("Pod, or VirtualMachine for a VMPool's VM (moved by live migration).")
            String kind,
            String namespace,
            @JsonPropertyDescription("The Pod (or VM) planned to move.")
            String name,
            @JsonPropertyDescription("The app it belongs to, as namespace/name.")
            String app,
            @JsonPropertyDescription("The node it ran on when planned.")
            String from,
            @JsonPropertyDescription("The node the plan puts it on.")
            String to,
            @JsonPropertyDescription("The uid of the Pod (or VM instance) on the from node when planned; a move "
                    + "starts only while that one still runs there.")
            String uid,
            @JsonPropertyDescription("Pending, InFlight (a Pod evicted, until the app's Pod that replaces it is "
                    + "bound and Ready; a VM migrating or restarted, until its instance runs on the planned node), "
                    + "Moved, Skipped (not started: see message) or Failed (see message). One Pod of an app, or VM "
                    + "of a pool, moves at a time.")
            String state,
            @JsonPropertyDescription("When the move started (RFC 3339).")
            String startedAt,
            @JsonPropertyDescription("Why a move waits, was skipped or failed, or where it landed if not on to.")
            String message) {

        public MoveStatus with(String newState, String newStartedAt, String newMessage) {
            return new MoveStatus(kind, namespace, name, app, from, to, uid, newState, newStartedAt, newMessage);
        }
    }
}

package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

class ContainerTroubleTest {

    static Pod pod(ContainerStatus status) {
        return new PodBuilder().withNewMetadata().withName("shop-0").endMetadata().withNewSpec().addNewContainer()
                .withName("app").withNewResources().addToLimits("memory", new Quantity("64Mi")).endResources()
                .endContainer().endSpec().withNewStatus().withContainerStatuses(status).endStatus().build();
    }

    static ContainerStatusBuilder app() {
        return new ContainerStatusBuilder().withName("app").withRestartCount(4).withReady(false);
    }

    @Test
    void aCrashLoopTellsTheExitCodeAndTheProcessMessage() {
        var status = app().withNewState().withNewWaiting().withReason("CrashLoopBackOff").withMessage("back-off 40s")
                .endWaiting().endState().withNewLastState().withNewTerminated().withExitCode(3).withReason("Error")
                .withMessage("ModuleNotFoundError: No module named 'shop'\n").endTerminated().endLastState().build();
        assertThat(ContainerTrouble.of(pod(status))).contains(new ContainerTrouble("CrashLoopBackOff",
                "container app exited with code 3 (Error): ModuleNotFoundError: No module named 'shop' "
                        + "(restarted 4 times)"));
    }

    @Test
    void anOomKillNamesTheMemoryLimitWhetherTheContainerWaitsOrRunsAgain() {
        var oom = new ContainerTrouble("OOMKilled",
                "container app was killed for using more than its memory limit of 64Mi (restarted 4 times)");
        var waiting = app().withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated()
                .endLastState().build();
        var runningAgain = app().withNewState().withNewRunning().endRunning().endState().withNewLastState()
                .withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endLastState().build();
        assertThat(ContainerTrouble.of(pod(waiting))).contains(oom);
        assertThat(ContainerTrouble.of(pod(runningAgain))).contains(oom);
    }

    @Test
    void anImageThatCannotBeHadSaysSoWithTheKubeletsMessage() {
        var status = app().withNewState().withNewWaiting().withReason("ErrImageNeverPull")
                .withMessage("Container image \"shop:2\" is not present with pull policy of Never").endWaiting()
                .endState().build();
        assertThat(ContainerTrouble.of(pod(status))).contains(new ContainerTrouble("ErrImageNeverPull",
                "container app: Container image \"shop:2\" is not present with pull policy of Never"));
    }

    @Test
    void aContainerThatIsStartingOrRecoveredIsNoTrouble() {
        var creating = app().withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState()
                .build();
        var recovered = app().withReady(true).withNewState().withNewRunning().endRunning().endState()
                .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated()
                .endLastState().build();
        var exitedOnceAndRunning = app().withNewState().withNewRunning().endRunning().endState().withNewLastState()
                .withNewTerminated().withExitCode(1).withReason("Error").endTerminated().endLastState().build();
        assertThat(ContainerTrouble.of(pod(creating))).isEmpty();
        assertThat(ContainerTrouble.of(pod(recovered))).isEmpty();
        assertThat(ContainerTrouble.of(pod(exitedOnceAndRunning))).isEmpty();
        assertThat(ContainerTrouble.of(new PodBuilder().withNewMetadata().withName("new").endMetadata().build()))
                .isEqualTo(Optional.empty());
    }
}

package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.ArgoCdHealth;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.GoTools;

/**
 * The Argo CD health checks in deploy/argocd/resource_customizations/: their health_test.yaml cases run by
 * gopher-lua, the argocd-cm snippet generated from them, and the eval wiring that GitOpsHealthIT, VMPoolIT and
 * WithoutKubeVirtIT use on status the controllers wrote. The cases themselves live in health_test.yaml only.
 */
class ArgoCdHealthTest {

    @Test
    void everyHealthTestCasePassesUnderGopherLua() {
        CommandResult run = GoTools.run("argocd-health", "", "test", ArgoCdHealth.CUSTOMIZATIONS);
        assertThat(run.exitCode()).as(run.output()).isZero();
        Matcher counts = Pattern.compile("(?m)^(\\d+) passed, 0 failed$").matcher(run.output());
        assertThat(counts.find()).as(run.output()).isTrue();
        assertThat(Integer.parseInt(counts.group(1))).isPositive();
        assertThat(run.output()).contains("ok   pyfleet.dev/PythonApp ", "ok   pyfleet.dev/VMPool ",
                "ok   pyfleet.dev/Rebalance ");
    }

    @Test
    void committedArgoCdConfigMapIsWhatTheGeneratorPrints() throws IOException {
        String generated = GoTools.output("argocd-health", "", "argocd-cm", ArgoCdHealth.CUSTOMIZATIONS);
        assertThat(Files.readString(ControlPlane.repoPath("deploy/argocd/argocd-cm-pyfleet.yaml")))
                .as("deploy/argocd/argocd-cm-pyfleet.yaml is stale: run hack/tools.sh argocd-cm")
                .isEqualTo(generated);
    }

    @Test
    void evalPicksTheScriptByKindAndPassesGenerationsAsNumbers() {
        // As text, "9" < "10" is false: wiring that passed numbers as strings would call generation 9 of 10 current.
        Map<String, Object> app = Map.of("apiVersion", "pyfleet.dev/v1alpha1", "kind", "PythonApp",
                "metadata", Map.of("name", "x", "generation", 10L), "spec", Map.of("replicas", 1),
                "status", Map.of("observedGeneration", 9L));
        assertThat(ArgoCdHealth.of(app)).isEqualTo(new ArgoCdHealth.Verdict("Progressing",
                "waiting for the operator to observe generation 10"));
        Map<String, Object> pool = Map.of("apiVersion", "pyfleet.dev/v1alpha1", "kind", "VMPool",
                "metadata", Map.of("name", "x", "generation", 1L), "spec", Map.of("replicas", 1),
                "status", Map.of("observedGeneration", 1L, "conditions", List.of(Map.of("type",
                        "KubeVirtAvailable", "status", "False", "message", "KubeVirt is not installed"))));
        assertThat(ArgoCdHealth.of(pool)).isEqualTo(new ArgoCdHealth.Verdict("Degraded",
                "KubeVirt is not installed"));
    }
}

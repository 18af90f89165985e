package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.testing.RandomAppSpecs;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Specs drawn at random from inside the schema never make the desired-state builders or the rollout planner throw,
 * and whatever Pods exist, a plan never takes an app past replicas + maxSurge. Seeded; replay a failure with
 * {@code -Dpyfleet.fuzz.seed=N}.
 */
class RandomSpecTest {

    static final int SPECS = 3000;
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Test
    void specsInsideTheSchemaNeverMakeTheBuildersOrThePlannerThrow() {
        long seed = Long.getLong("pyfleet.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        RandomAppSpecs specs = new RandomAppSpecs(random);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < SPECS; i++) {
            Map<String, Object> spec = specs.next("fuzz-" + i);
            PythonApp app = app("fuzz-" + i, spec);
            List<PodState> pods = randomPods(random, now);
            assertThatCode(() -> {
                AppPodTemplate template = AppPodTemplate.of(app, "pyfleet-scheduler");
                template.pod(0);
                EffectiveSpec effective = new EffectiveSpec(app.getSpec());
                if (effective.serviceEnabled()) {
                    AppService.of(app);
                }
                if (AppDisruptionBudget.wanted(app)) {
                    AppDisruptionBudget.of(app);
                }
                var bounds = RolloutPlanner.Bounds.of(effective.replicas(), effective.maxSurge(),
                        effective.maxUnavailable(), effective.minReadySeconds());
                List<PodState> withCurrent = new ArrayList<>(pods);
                if (random.nextBoolean()) {
                    withCurrent.add(new PodState("current", template.revision(), now, false, false, true, now));
                }
                RolloutPlan plan = RolloutPlanner.plan(bounds, template.revision(), withCurrent, now);
                assertThat(withCurrent.size() + plan.create())
                        .isLessThanOrEqualTo(Math.max(withCurrent.size(), bounds.replicas() + bounds.maxSurge()));
            }).as("seed %d, spec %s, pods %s", seed, spec, pods).doesNotThrowAnyException();
        }
    }

    static PythonApp app(String name, Map<String, Object> spec) {
        PythonApp app = JSON.convertValue(Map.of("apiVersion", "pyfleet.dev/v1alpha1", "kind", "PythonApp",
                "metadata", Map.of("name", name, "namespace", "fuzz", "uid", "uid-" + name, "generation", 1),
                "spec", spec), PythonApp.class);
        assertThat(app.getSpec()).isNotNull();
        return app;
    }

    /** Up to 8 Pods of old revisions, in every state a Pod can be in. */
    static List<PodState> randomPods(Random random, Instant now) {
        List<PodState> pods = new ArrayList<>();
        for (int i = random.nextInt(9); i > 0; i--) {
            boolean ready = random.nextBoolean();
            Instant created = now.minusSeconds(random.nextInt(7200));
            pods.add(new PodState("p" + i, "rev" + random.nextInt(3), created, random.nextInt(5) == 0,
                    random.nextInt(6) == 0, ready, ready ? created.plusSeconds(random.nextInt(60)) : null));
        }
        return pods;
    }
}

package io.unibloc.operator.runtimeclass;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A Pod admitted under an older RuntimeClass is stale only when it cannot be scheduled and differs from the class now. */
class AdmittedSchedulingTest {
    private static final Map<String, String> KVM = Map.of("unibloc.io/kvm", "true");
    private static final Map<String, String> NODE = Map.of("unibloc.io/node", "true");

    @Test
    void theEmulationSwitchMakesAnUnschedulableKvmPodStale() {
        Optional<String> why = AdmittedScheduling.stale(pod(KVM, true, List.of()), null, found(NODE, List.of()));
        assertThat(why)
                .hasValueSatisfying(w -> assertThat(w)
                        .contains("RuntimeClass unibloc-kvm now selects unibloc.io/node=true")
                        .contains("still selects unibloc.io/kvm=true"));
    }

    @Test
    void aClassThatDroppedAKeyOfOurDomainMakesItStale() {
        Map<String, String> both = Map.of("unibloc.io/kvm", "true", "unibloc.io/node", "true");
        assertThat(AdmittedScheduling.stale(pod(both, true, List.of()), null, found(NODE, List.of())))
                .hasValueSatisfying(w -> assertThat(w).contains("still selects unibloc.io/kvm=true"));
    }

    @Test
    void aNewTolerationOfTheClassMakesItStale() {
        Toleration t = new Toleration("NoSchedule", "unibloc.io/dedicated", "Exists", null, null);
        assertThat(AdmittedScheduling.stale(pod(KVM, true, List.of()), null, found(KVM, List.of(t))))
                .hasValueSatisfying(w -> assertThat(w).contains("now tolerates unibloc.io/dedicated:NoSchedule"));
        assertThat(AdmittedScheduling.stale(pod(KVM, true, List.of(t)), null, found(KVM, List.of(t))))
                .isEmpty();
    }

    @Test
    void notStale() {
        assertThat(AdmittedScheduling.stale(pod(NODE, true, List.of()), null, found(NODE, List.of())))
                .as("admitted under the current class")
                .isEmpty();
        assertThat(AdmittedScheduling.stale(pod(KVM, false, List.of()), null, found(NODE, List.of())))
                .as("not (yet) called unschedulable: never replace a Pod the scheduler may still place")
                .isEmpty();
        Map<String, String> withUsers = Map.of("unibloc.io/node", "true", "pool", "fast", "unibloc.io/zone", "a");
        assertThat(AdmittedScheduling.stale(
                        pod(withUsers, true, List.of()),
                        Map.of("pool", "fast", "unibloc.io/zone", "a"),
                        found(NODE, List.of())))
                .as("the user's own selector, even in our domain, is no leftover")
                .isEmpty();
        Map<String, String> namespaceDefault = Map.of("unibloc.io/node", "true", "team", "x");
        assertThat(AdmittedScheduling.stale(pod(namespaceDefault, true, List.of()), null, found(NODE, List.of())))
                .as("a key another admission plugin added is not ours to judge")
                .isEmpty();
        assertThat(AdmittedScheduling.stale(
                        pod(KVM, true, List.of()), null, new RuntimeClasses.Lookup.Unknown("no permission")))
                .as("nothing known about the class: leave the Pod alone")
                .isEmpty();
    }

    private static RuntimeClasses.Lookup found(Map<String, String> selector, List<Toleration> tolerations) {
        RuntimeClass rc = new RuntimeClassBuilder()
                .withNewMetadata()
                .withName("unibloc-kvm")
                .endMetadata()
                .withHandler("runc")
                .withNewScheduling()
                .withNodeSelector(selector)
                .withTolerations(tolerations)
                .endScheduling()
                .build();
        return new RuntimeClasses.Lookup.Found(rc);
    }

    private static Pod pod(Map<String, String> selector, boolean unschedulable, List<Toleration> tolerations) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("guest-0123456789")
                .endMetadata()
                .withNewSpec()
                .withRuntimeClassName("unibloc-kvm")
                .withNodeSelector(selector)
                .withTolerations(tolerations)
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus(unschedulable ? "False" : "Unknown")
                .withReason(unschedulable ? "Unschedulable" : null)
                .endCondition()
                .endStatus()
                .build();
    }
}

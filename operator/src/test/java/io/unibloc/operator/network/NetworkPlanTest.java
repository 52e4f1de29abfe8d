package io.unibloc.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Network;
import io.unibloc.types.NetworkMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkPlanTest {

    private static UnikernelPodSpec spec(NetworkMode mode) {
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage("app:1");
        if (mode != null) {
            spec.setNetwork(new Network(mode));
        }
        return spec;
    }

    @Test
    void autoTriesTapFirstAndOnlyAutoMayFallBack() {
        NetworkPlan auto = NetworkPlan.initial(spec(NetworkMode.AUTO), NetworkMode.NONE);
        assertThat(auto).isEqualTo(new NetworkPlan(NetworkMode.TAP, true, null));
        assertThat(auto.mayFallBack()).isTrue();
        NetworkPlan passt = auto.fallBack("why");
        assertThat(passt).isEqualTo(new NetworkPlan(NetworkMode.PASST, true, "why"));
        assertThat(passt.mayFallBack()).isFalse();
        assertThat(NetworkPlan.initial(spec(NetworkMode.TAP), NetworkMode.AUTO).mayFallBack())
                .as("an explicit tap is kept, or refused")
                .isFalse();
    }

    @Test
    void anUnsetModeTakesTheDefault() {
        assertThat(NetworkPlan.initial(spec(null), NetworkMode.PASST).mode()).isEqualTo(NetworkMode.PASST);
        assertThat(NetworkPlan.initial(spec(null), NetworkMode.AUTO).mode()).isEqualTo(NetworkMode.TAP);
        assertThat(NetworkPlan.initial(spec(null), null).mode()).isEqualTo(NetworkMode.TAP);
    }

    @Test
    void autoStartsWithPasstForAnImageWhoseGuestAsksForDhcp() {
        // The sandbox refuses tap for a DHCP guest (no DHCP server on that path): tap here would crash-loop.
        NetworkPlan plan = NetworkPlan.initial(spec(null), NetworkMode.AUTO, Map.of("io.unibloc.net", "dhcp"));
        assertThat(plan.mode()).isEqualTo(NetworkMode.PASST);
        assertThat(plan.fallback()).contains("io.unibloc.net=dhcp");
        assertThat(NetworkPlan.initial(spec(NetworkMode.TAP), NetworkMode.AUTO, Map.of("io.unibloc.net", "dhcp"))
                        .mode())
                .as("an explicit mode is the user's word; the sandbox names the conflict")
                .isEqualTo(NetworkMode.TAP);
        assertThat(NetworkPlan.initial(spec(null), NetworkMode.AUTO, Map.of("io.unibloc.net", "cmdline"))
                        .mode())
                .isEqualTo(NetworkMode.TAP);
    }

    @Test
    void aPodIsNeverMadeWithAuto() {
        assertThatThrownBy(() -> new NetworkPlan(NetworkMode.AUTO, true, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tap, passt or none");
    }
}

package io.unibloc.operator.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Network;
import io.unibloc.api.v1alpha1.pod.NetworkMode;
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
    void aPodIsNeverMadeWithAuto() {
        assertThatThrownBy(() -> new NetworkPlan(NetworkMode.AUTO, true, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tap, passt or none");
    }
}

package io.unibloc.operator.network;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.NetworkMode;

/**
 * The concrete network mode one Pod is made with, never {@code auto}.
 *
 * @param mode tap, passt or none
 * @param automatic whether the mode was chosen by {@code auto} (so it may still fall back to passt)
 * @param fallback why {@code auto} gave up tap (the admission's refusal, for the user), or {@code null}
 */
public record NetworkPlan(NetworkMode mode, boolean automatic, String fallback) {

    public NetworkPlan {
        if (mode == null || mode == NetworkMode.AUTO) {
            throw new IllegalArgumentException("a Pod's network mode must be tap, passt or none, got " + mode);
        }
    }

    /** The first try: the spec's mode, else the operator's default; {@code auto} tries tap first. */
    public static NetworkPlan initial(UnikernelPodSpec spec, NetworkMode defaultMode) {
        NetworkMode requested = spec.getNetwork() != null && spec.getNetwork().getMode() != null
                ? spec.getNetwork().getMode()
                : defaultMode == null ? NetworkMode.AUTO : defaultMode;
        return requested == NetworkMode.AUTO
                ? new NetworkPlan(NetworkMode.TAP, true, null)
                : new NetworkPlan(requested, false, null);
    }

    /** Whether this plan may still fall back: auto chose tap and has not given it up yet. */
    public boolean mayFallBack() {
        return automatic && mode == NetworkMode.TAP;
    }

    /** passt instead of tap, because {@code why}. */
    public NetworkPlan fallBack(String why) {
        return new NetworkPlan(NetworkMode.PASST, true, why);
    }
}

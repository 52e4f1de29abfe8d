package io.unibloc.operator.network;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.sandbox.spec.GuestNetConfig;
import io.unibloc.sandbox.spec.ImageMetadata;
import io.unibloc.types.NetworkMode;
import java.util.Map;

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

    /** The first try for an image without network labels. */
    public static NetworkPlan initial(UnikernelPodSpec spec, NetworkMode defaultMode) {
        return initial(spec, defaultMode, Map.of());
    }

    /**
     * The first try: the spec's mode, else the operator's default; {@code auto} tries tap first, except for an image
     * whose guest learns its address by DHCP ({@code io.unibloc.net=dhcp}): only passt answers DHCP, and the sandbox
     * refuses tap for such a guest, so {@code auto} starts with passt and says why.
     */
    public static NetworkPlan initial(UnikernelPodSpec spec, NetworkMode defaultMode, Map<String, String> labels) {
        NetworkMode requested = spec.getNetwork() != null && spec.getNetwork().getMode() != null
                ? spec.getNetwork().getMode()
                : defaultMode == null ? NetworkMode.AUTO : defaultMode;
        if (requested != NetworkMode.AUTO) {
            return new NetworkPlan(requested, false, null);
        }
        String net = labels == null ? null : labels.get(ImageMetadata.NET);
        if (net != null && net.strip().equals(GuestNetConfig.DHCP.wireName())) {
            return new NetworkPlan(
                    NetworkMode.PASST,
                    true,
                    "the image's guest learns its address by DHCP (" + ImageMetadata.NET
                            + "=dhcp), which the passt data path answers and tap does not");
        }
        return new NetworkPlan(NetworkMode.TAP, true, null);
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

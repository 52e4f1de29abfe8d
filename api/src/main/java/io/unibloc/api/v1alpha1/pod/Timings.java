package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How long each step of the start path took, in milliseconds; a step not reached yet is absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Timings {
    @JsonPropertyDescription("Resolving the image tag to a digest (0 when served from the operator's cache).")
    private Long pinMillis;

    @JsonPropertyDescription("From the Pod's creation until its root volume claim was bound.")
    private Long volumeMillis;

    @JsonPropertyDescription("From the claim being bound until the sandbox was running and ready.")
    private Long bootMillis;

    public Long getPinMillis() {
        return pinMillis;
    }

    public void setPinMillis(Long pinMillis) {
        this.pinMillis = pinMillis;
    }

    public Long getVolumeMillis() {
        return volumeMillis;
    }

    public void setVolumeMillis(Long volumeMillis) {
        this.volumeMillis = volumeMillis;
    }

    public Long getBootMillis() {
        return bootMillis;
    }

    public void setBootMillis(Long bootMillis) {
        this.bootMillis = bootMillis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Timings t
                && java.util.Objects.equals(pinMillis, t.pinMillis)
                && java.util.Objects.equals(volumeMillis, t.volumeMillis)
                && java.util.Objects.equals(bootMillis, t.bootMillis);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(pinMillis, volumeMillis, bootMillis);
    }
}

package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** A cpu and a memory quantity, written as Kubernetes writes them ({@code 50m}, {@code 0.5}, {@code 288Mi}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CpuMemory {
    /** The API server's own syntax of a resource quantity (apimachinery's resource.Quantity). */
    public static final String QUANTITY_PATTERN = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))"
            + "(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    @JsonPropertyDescription("CPU, e.g. 50m or 1.")
    @Pattern(QUANTITY_PATTERN)
    private String cpu;

    @JsonPropertyDescription("Memory, e.g. 288Mi or 1Gi.")
    @Pattern(QUANTITY_PATTERN)
    private String memory;

    public CpuMemory() {}

    public CpuMemory(String cpu, String memory) {
        this.cpu = cpu;
        this.memory = memory;
    }

    public String getCpu() {
        return cpu;
    }

    public void setCpu(String cpu) {
        this.cpu = cpu;
    }

    public String getMemory() {
        return memory;
    }

    public void setMemory(String memory) {
        this.memory = memory;
    }
}

package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * CPU and memory of the sandbox container that runs the guest (QEMU plus the launcher), as requests and limits like
 * a container's {@code resources}. Only cpu and memory: the {@code unibloc.io/kvm} device and the RuntimeClass's
 * overhead are added by the operator and the API server.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxResources {
    @JsonPropertyDescription("What the scheduler reserves for the guest. Default: cpu the operator's "
            + "unibloc.operator.cpu-request-per-vcpu times vcpus; memory the guest's memory plus the VMM overhead.")
    private CpuMemory requests;

    @JsonPropertyDescription(
            "What the guest may use at most. Default: no cpu limit (vCPU threads are never "
                    + "throttled); memory the memory request. Memory must be at least the guest's memory plus the VMM overhead.")
    private CpuMemory limits;

    public SandboxResources() {}

    public SandboxResources(CpuMemory requests, CpuMemory limits) {
        this.requests = requests;
        this.limits = limits;
    }

    public CpuMemory getRequests() {
        return requests;
    }

    public void setRequests(CpuMemory requests) {
        this.requests = requests;
    }

    public CpuMemory getLimits() {
        return limits;
    }

    public void setLimits(CpuMemory limits) {
        this.limits = limits;
    }
}

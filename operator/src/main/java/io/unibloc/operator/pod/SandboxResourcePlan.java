package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.CpuMemory;
import io.unibloc.api.v1alpha1.pod.SandboxResources;
import io.unibloc.api.wire.ExtendedResources;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox container's {@code resources}: the user's {@code spec.resources} where given, checked as an API server
 * checks a container's (every quantity parses, each request is at most its limit), plus floors of our own.
 *
 * <p>Memory is split the way Kubernetes counts it. QEMU maps the guest's RAM into its own address space, so every
 * page the guest touches is charged to the container's memory cgroup, on top of QEMU's and the launcher's own
 * resident memory: the <b>limit</b> must hold the guest's memory plus that fixed VMM cost ({@code vmm-overhead}), or
 * the sandbox is OOM-killed as soon as the guest uses its RAM. The <b>request</b> is the guest's memory: the fixed
 * VMM cost is the RuntimeClass's {@code overhead.podFixed}, which the API server adds to every Pod of the class for
 * the scheduler and quotas, so counting it in the request too would reserve it twice. A request below the guest's
 * memory would let the scheduler place more guests on a node than its memory holds.
 *
 * <p>Defaults: cpu request {@code cpu-request-per-vcpu × vcpus}, no cpu limit (a throttled vCPU thread stalls the
 * guest's clock and boot), memory request the guest's memory, memory limit guest memory + VMM overhead. A cpu limit
 * without a request gets the limit as its request, as the API server defaults it. One {@code unibloc.io/kvm} device
 * is always requested.
 */
public final class SandboxResourcePlan {
    private SandboxResourcePlan() {}

    /** Every problem of {@code spec.resources}, each naming the field; empty when it can be used. */
    public static List<String> problems(UnikernelPodSpec spec, PodSettings settings) {
        List<String> problems = new ArrayList<>();
        SandboxResources r = spec.getResources();
        if (r == null) {
            return problems;
        }
        Optional<BigDecimal> cpuRequest =
                parse(r.getRequests(), CpuMemory::getCpu, "spec.resources.requests.cpu", problems);
        Optional<BigDecimal> cpuLimit = parse(r.getLimits(), CpuMemory::getCpu, "spec.resources.limits.cpu", problems);
        Optional<BigDecimal> memRequest =
                parse(r.getRequests(), CpuMemory::getMemory, "spec.resources.requests.memory", problems);
        Optional<BigDecimal> memLimit =
                parse(r.getLimits(), CpuMemory::getMemory, "spec.resources.limits.memory", problems);
        atMostLimit(cpuRequest, cpuLimit, "cpu", problems);
        atMostLimit(memRequest, memLimit, "memory", problems);
        cpuLimit.filter(l -> l.signum() == 0)
                .ifPresent(l -> problems.add("spec.resources.limits.cpu must be more than 0"));
        if (!SpecValidator.memoryUsable(spec)) {
            return problems; // the memory itself is wrong; SpecValidator says so
        }
        long guestMiB = guestMemoryMiB(spec, settings);
        long limitFloorMiB = guestMiB + settings.vmmOverheadMiB();
        memRequest
                .filter(m -> m.compareTo(mebibytes(guestMiB)) < 0)
                .ifPresent(m -> problems.add("spec.resources.requests.memory must be at least the guest's memory, "
                        + guestMiB + "Mi: less lets the scheduler put more guests on a node than its memory holds"));
        memLimit.filter(m -> m.compareTo(mebibytes(limitFloorMiB)) < 0)
                .ifPresent(m -> problems.add("spec.resources.limits.memory must be at least " + limitFloorMiB
                        + "Mi (the guest's " + guestMiB + "Mi plus the VMM's " + settings.vmmOverheadMiB()
                        + "Mi): the VMM holds the guest's RAM and would be OOM-killed once the guest uses it; raise it"
                        + " or lower spec.memory"));
        return problems;
    }

    /** The container's resources; {@code spec} passed {@link #problems}. */
    public static ResourceRequirements build(
            UnikernelPodSpec spec, int vcpus, long guestMemoryMiB, PodSettings settings) {
        SandboxResources r = spec.getResources();
        String cpuRequest = value(r == null ? null : r.getRequests(), CpuMemory::getCpu);
        String cpuLimit = value(r == null ? null : r.getLimits(), CpuMemory::getCpu);
        String memRequest = value(r == null ? null : r.getRequests(), CpuMemory::getMemory);
        String memLimit = value(r == null ? null : r.getLimits(), CpuMemory::getMemory);
        if (cpuRequest == null) {
            cpuRequest = cpuLimit != null ? cpuLimit : vcpus * settings.cpuRequestPerVcpuMillis() + "m";
        }
        if (memLimit == null) {
            long floorMiB = guestMemoryMiB + settings.vmmOverheadMiB();
            memLimit = memRequest != null && Quantities.mebibytes(memRequest, "memory request") > floorMiB
                    ? memRequest
                    : floorMiB + "Mi";
        }
        if (memRequest == null) {
            memRequest = guestMemoryMiB + "Mi";
        }
        Map<String, Quantity> requests = new LinkedHashMap<>();
        requests.put("cpu", new Quantity(cpuRequest));
        requests.put("memory", new Quantity(memRequest));
        requests.put(ExtendedResources.KVM, new Quantity("1"));
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (cpuLimit != null) {
            limits.put("cpu", new Quantity(cpuLimit));
        }
        limits.put("memory", new Quantity(memLimit));
        limits.put(ExtendedResources.KVM, new Quantity("1"));
        return new ResourceRequirementsBuilder()
                .withRequests(requests)
                .withLimits(limits)
                .build();
    }

    private static BigDecimal mebibytes(long mib) {
        return BigDecimal.valueOf(mib).multiply(BigDecimal.valueOf(1024L * 1024L));
    }

    private static long guestMemoryMiB(UnikernelPodSpec spec, PodSettings settings) {
        return SpecValidator.memoryMiB(spec.getMemory() != null ? spec.getMemory() : settings.defaultMemory());
    }

    private static String value(CpuMemory values, java.util.function.Function<CpuMemory, String> field) {
        return values == null ? null : field.apply(values);
    }

    private static Optional<BigDecimal> parse(
            CpuMemory values,
            java.util.function.Function<CpuMemory, String> field,
            String name,
            List<String> problems) {
        String text = value(values, field);
        if (text == null) {
            return Optional.empty();
        }
        try {
            BigDecimal amount = Quantity.getAmountInBytes(new Quantity(text));
            if (amount.signum() < 0) {
                problems.add(name + " must not be negative, got '" + text + "'");
                return Optional.empty();
            }
            return Optional.of(amount);
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(name + " '" + text + "' is not a quantity (e.g. 50m or 1 for cpu, 288Mi for memory)");
            return Optional.empty();
        }
    }

    private static void atMostLimit(
            Optional<BigDecimal> request, Optional<BigDecimal> limit, String resource, List<String> problems) {
        if (request.isPresent() && limit.isPresent() && request.get().compareTo(limit.get()) > 0) {
            problems.add("spec.resources.requests." + resource + " must be less than or equal to "
                    + "spec.resources.limits." + resource);
        }
    }
}

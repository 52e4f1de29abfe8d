package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Toleration;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.Guest;
import io.unibloc.api.v1alpha1.pod.GuestPort;
import io.unibloc.api.v1alpha1.pod.GuestProbe;
import io.unibloc.api.v1alpha1.pod.Network;
import io.unibloc.api.v1alpha1.pod.RestartPolicy;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.api.v1alpha1.pod.SandboxResources;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.util.List;
import java.util.Map;

/**
 * What the user asks for: one unikernel guest booted from an OCI image whose layers become its root
 * volume. Fields left out take the image's labels ({@code io.unibloc.*}) and then the operator's defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UnikernelPodSpec {
    /** Memory quantities the API server and the operator accept. */
    public static final String MEMORY_PATTERN = "^[1-9][0-9]*(Mi|Gi)$";
    /** Smallest guest memory in MiB; below it no supported guest boots. */
    public static final int MIN_MEMORY_MIB = 32;

    public static final int MAX_VCPUS = 64;
    public static final int MAX_FILES = 64;
    public static final int MAX_PORTS = 64;

    @JsonPropertyDescription("OCI image holding the guest's root filesystem (and usually its kernel), e.g. "
            + "registry.example.com/app:1.0. The operator pins the tag to a digest once; later pushes to the "
            + "tag do not restart the guest.")
    @Required
    @Size(min = 1, max = 512)
    private String image;

    @JsonPropertyDescription("Path of the guest kernel inside the image's filesystem. Default: the image's "
            + "io.unibloc.kernel label.")
    private String kernel;

    @JsonPropertyDescription("Path of an initrd inside the image's filesystem. Default: the image's "
            + "io.unibloc.initrd label, else none.")
    private String initrd;

    @JsonPropertyDescription("Kernel command line. Default: the image's io.unibloc.cmdline label, else console=ttyS0.")
    private String cmdline;

    @JsonPropertyDescription("Arguments passed to the application inside the guest.")
    private List<String> args;

    @JsonPropertyDescription("Environment of the application inside the guest.")
    private Map<String, String> env;

    @JsonPropertyDescription("Virtual CPUs of the guest, 1 to 64. Default 1.")
    @Min(1)
    @Max(MAX_VCPUS)
    private Integer vcpus;

    @JsonPropertyDescription("Guest memory in Mi or Gi, at least 32Mi, e.g. 256Mi. Default: the operator's "
            + "unibloc.operator.default-memory. The Pod requests this plus the VMM's overhead.")
    @Pattern(MEMORY_PATTERN)
    @Size(max = 10)
    @ValidationRule(
            value = "int(self.substring(0, size(self) - 2)) * (self.endsWith('Gi') ? 1024 : 1) >= 32",
            message = "memory must be at least 32Mi: no supported guest boots with less")
    private String memory;

    @JsonPropertyDescription("The root volume: size, filesystem type, read-only.")
    private Rootfs rootfs;

    @JsonPropertyDescription("Virtual machine monitor: qemu, firecracker or cloud-hypervisor. Default: the "
            + "image's io.unibloc.vmm label, else qemu.")
    private Vmm vmm;

    @JsonPropertyDescription("QEMU machine type: microvm, pc or q35. Default: the image's io.unibloc.machine "
            + "label, else microvm for Linux guests and pc for unikraft, multiboot and solo5.")
    private Machine machine;

    @JsonPropertyDescription("Seconds the guest may stay silent on its console after the VMM started before the "
            + "sandbox's boot watchdog ends it (exit 124, condition Booted=False reason BootTimeout); 0 disables the "
            + "watchdog. Default: the node's setting (chart sandbox.bootTimeoutSeconds), else 10 under KVM and 60 "
            + "under TCG.")
    @Min(0)
    @Max(3600)
    private Integer bootTimeoutSeconds;

    @JsonPropertyDescription("How the kernel boots: linux, unikraft, solo5 or multiboot. Default: the image's "
            + "io.unibloc.guest label, else linux.")
    private Guest guest;

    @JsonPropertyDescription("RuntimeClass of the Pod. Default: the operator's unibloc.operator.runtime-class-name.")
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String runtimeClassName;

    @JsonPropertyDescription(
            "Secrets of type kubernetes.io/dockerconfigjson in this namespace used to pin and " + "pull the image.")
    private List<LocalObjectReference> imagePullSecrets;

    @JsonPropertyDescription("Always (default), OnFailure or Never: what the kubelet does when the guest exits.")
    private RestartPolicy restartPolicy;

    @JsonPropertyDescription("Passed to the Pod as is.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Passed to the Pod as is.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Passed to the Pod as is.")
    private Affinity affinity;

    @JsonPropertyDescription("Files written into the root filesystem before boot, from ConfigMap or Secret keys.")
    @Size(max = MAX_FILES)
    private List<FileProjection> files;

    @JsonPropertyDescription("How the guest joins the Pod's network: spec.network.mode tap, passt, none or auto.")
    private Network network;

    @JsonPropertyDescription("Ports the guest serves, as a container's ports (name, containerPort, protocol TCP or "
            + "UDP); they become the sandbox container's ports, so Services and probes can name them, and in passt "
            + "mode they (with the probes' ports) are the ports that reach the guest.")
    @Size(max = MAX_PORTS)
    @ValidationRule(
            value = "self.all(p, self.exists_one(q, q.containerPort == p.containerPort"
                    + " && (has(q.protocol) ? q.protocol : 'TCP') == (has(p.protocol) ? p.protocol : 'TCP')))",
            message = "each containerPort and protocol pair may be listed once")
    @ValidationRule(
            value = "self.all(p, !has(p.name) || self.exists_one(q, has(q.name) && q.name == p.name))",
            message = "port names must be unique")
    private List<GuestPort> ports;

    @JsonPropertyDescription("Readiness probe the kubelet sends to the guest at the Pod's IP (tcpSocket or httpGet); "
            + "the Pod is Ready once the guest booted and this passes. Default: Ready once the guest booted.")
    private GuestProbe readinessProbe;

    @JsonPropertyDescription("Liveness probe the kubelet sends to the guest at the Pod's IP (tcpSocket or httpGet); "
            + "failing it restarts the sandbox and with it the guest.")
    @ValidationRule(
            value = "!has(self.successThreshold) || self.successThreshold == 1",
            message = "livenessProbe.successThreshold must be 1")
    private GuestProbe livenessProbe;

    @JsonPropertyDescription(
            "CPU and memory requests and limits of the sandbox container (the VMM running the "
                    + "guest). Defaults: the operator's cpu-request-per-vcpu times vcpus, no cpu limit, memory the guest's memory "
                    + "plus the VMM overhead. Memory below that is refused: the VMM would be OOM-killed once the guest uses its RAM.")
    private SandboxResources resources;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getKernel() {
        return kernel;
    }

    public void setKernel(String kernel) {
        this.kernel = kernel;
    }

    public String getInitrd() {
        return initrd;
    }

    public void setInitrd(String initrd) {
        this.initrd = initrd;
    }

    public String getCmdline() {
        return cmdline;
    }

    public void setCmdline(String cmdline) {
        this.cmdline = cmdline;
    }

    public List<String> getArgs() {
        return args;
    }

    public void setArgs(List<String> args) {
        this.args = args;
    }

    public Map<String, String> getEnv() {
        return env;
    }

    public void setEnv(Map<String, String> env) {
        this.env = env;
    }

    public Integer getVcpus() {
        return vcpus;
    }

    public void setVcpus(Integer vcpus) {
        this.vcpus = vcpus;
    }

    public String getMemory() {
        return memory;
    }

    public void setMemory(String memory) {
        this.memory = memory;
    }

    public Rootfs getRootfs() {
        return rootfs;
    }

    public void setRootfs(Rootfs rootfs) {
        this.rootfs = rootfs;
    }

    public Vmm getVmm() {
        return vmm;
    }

    public void setVmm(Vmm vmm) {
        this.vmm = vmm;
    }

    public Machine getMachine() {
        return machine;
    }

    public void setMachine(Machine machine) {
        this.machine = machine;
    }

    public Integer getBootTimeoutSeconds() {
        return bootTimeoutSeconds;
    }

    public void setBootTimeoutSeconds(Integer bootTimeoutSeconds) {
        this.bootTimeoutSeconds = bootTimeoutSeconds;
    }

    public Guest getGuest() {
        return guest;
    }

    public void setGuest(Guest guest) {
        this.guest = guest;
    }

    public String getRuntimeClassName() {
        return runtimeClassName;
    }

    public void setRuntimeClassName(String runtimeClassName) {
        this.runtimeClassName = runtimeClassName;
    }

    public List<LocalObjectReference> getImagePullSecrets() {
        return imagePullSecrets;
    }

    public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
        this.imagePullSecrets = imagePullSecrets;
    }

    public RestartPolicy getRestartPolicy() {
        return restartPolicy;
    }

    public void setRestartPolicy(RestartPolicy restartPolicy) {
        this.restartPolicy = restartPolicy;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    public List<FileProjection> getFiles() {
        return files;
    }

    public void setFiles(List<FileProjection> files) {
        this.files = files;
    }

    public Network getNetwork() {
        return network;
    }

    public void setNetwork(Network network) {
        this.network = network;
    }

    public List<GuestPort> getPorts() {
        return ports;
    }

    public void setPorts(List<GuestPort> ports) {
        this.ports = ports;
    }

    public GuestProbe getReadinessProbe() {
        return readinessProbe;
    }

    public void setReadinessProbe(GuestProbe readinessProbe) {
        this.readinessProbe = readinessProbe;
    }

    public GuestProbe getLivenessProbe() {
        return livenessProbe;
    }

    public void setLivenessProbe(GuestProbe livenessProbe) {
        this.livenessProbe = livenessProbe;
    }

    public SandboxResources getResources() {
        return resources;
    }

    public void setResources(SandboxResources resources) {
        this.resources = resources;
    }
}

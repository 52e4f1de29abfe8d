package io.unibloc.csi.node.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.api.wire.ExtendedResources;
import io.unibloc.csi.common.grpc.CallLoggingInterceptor;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.deviceplugin.v1beta1.DevicePluginApi;
import io.unibloc.deviceplugin.v1beta1.DevicePluginGrpc;
import io.unibloc.deviceplugin.v1beta1.RegistrationGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The KVM device plugin against a fake kubelet Registration service, over real UNIX sockets in a temp device-plugins dir. */
class DevicePluginTest {
    private Path dir;
    private UnixSocketServer kubelet;
    private final BlockingQueue<DevicePluginApi.RegisterRequest> registrations = new LinkedBlockingQueue<>();
    private DevicePluginRegistrar registrar;
    private Path fakeDevice;

    private final class FakeKubelet extends RegistrationGrpc.RegistrationImplBase {
        @Override
        public void register(DevicePluginApi.RegisterRequest request, StreamObserver<DevicePluginApi.Empty> response) {
            registrations.add(request);
            response.onNext(DevicePluginApi.Empty.getDefaultInstance());
            response.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("device-plugins");
        fakeDevice = Files.createFile(dir.resolve("fake-kvm"));
        kubelet = startKubelet();
        registrar = new DevicePluginRegistrar(
                dir,
                () -> new KvmDevicePlugin(3, List.of(fakeDevice, dir.resolve("absent-vhost-net"))),
                new CallLoggingInterceptor(new SimpleMeterRegistry()),
                Duration.ofMillis(200));
        registrar.start();
    }

    private UnixSocketServer startKubelet() {
        return UnixSocketServer.start(
                dir.resolve(DevicePluginRegistrar.KUBELET_SOCKET),
                List.of(new FakeKubelet()),
                new CallLoggingInterceptor(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() throws Exception {
        registrar.close();
        kubelet.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Test
    void registersServesListAndWatchAndAllocates() throws Exception {
        DevicePluginApi.RegisterRequest request = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getVersion()).isEqualTo("v1beta1");
        assertThat(request.getResourceName()).isEqualTo(ExtendedResources.KVM);
        assertThat(request.getEndpoint()).isEqualTo(DevicePluginRegistrar.SOCKET_NAME);
        assertThat(dir.resolve(request.getEndpoint())).exists();

        try (UnixSocketChannels.Handle channel = UnixSocketChannels.open(dir.resolve(request.getEndpoint()))) {
            DevicePluginGrpc.DevicePluginBlockingStub plugin =
                    DevicePluginGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
            Iterator<DevicePluginApi.ListAndWatchResponse> watch =
                    plugin.listAndWatch(DevicePluginApi.Empty.getDefaultInstance());
            DevicePluginApi.ListAndWatchResponse list = watch.next();
            assertThat(list.getDevicesList())
                    .extracting(DevicePluginApi.Device::getID)
                    .containsExactly("kvm-0", "kvm-1", "kvm-2");
            assertThat(list.getDevicesList())
                    .allSatisfy(d -> assertThat(d.getHealth()).isEqualTo("Healthy"));

            DevicePluginApi.AllocateResponse allocated = plugin.allocate(DevicePluginApi.AllocateRequest.newBuilder()
                    .addContainerRequests(DevicePluginApi.ContainerAllocateRequest.newBuilder()
                            .addDevicesIds("kvm-1"))
                    .addContainerRequests(DevicePluginApi.ContainerAllocateRequest.newBuilder()
                            .addDevicesIds("kvm-2"))
                    .build());
            assertThat(allocated.getContainerResponsesList()).hasSize(2).allSatisfy(c -> {
                assertThat(c.getDevicesList())
                        .extracting(DevicePluginApi.DeviceSpec::getHostPath)
                        .containsExactly(fakeDevice.toString());
                assertThat(c.getDevices(0).getPermissions()).isEqualTo("rwm");
            });
            assertThatThrownBy(() -> plugin.allocate(DevicePluginApi.AllocateRequest.newBuilder()
                            .addContainerRequests(DevicePluginApi.ContainerAllocateRequest.newBuilder()
                                    .addDevicesIds("gpu-0"))
                            .build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
            assertThat(plugin.getDevicePluginOptions(DevicePluginApi.Empty.getDefaultInstance())
                            .getPreStartRequired())
                    .isFalse();
        }
    }

    @Test
    void registersAgainWhenKubeletRestarts() throws Exception {
        assertThat(registrations.poll(10, TimeUnit.SECONDS)).isNotNull();
        // kubelet restarting: its socket is recreated and it wipes the plugin sockets.
        kubelet.close();
        Files.deleteIfExists(dir.resolve(DevicePluginRegistrar.SOCKET_NAME));
        kubelet = startKubelet();
        DevicePluginApi.RegisterRequest again = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(again).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve(DevicePluginRegistrar.SOCKET_NAME)));
        assertThat(registrar.registrations()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anUnexpectedFailureDoesNotEndTheRechecks() throws Exception {
        assertThat(registrations.poll(10, TimeUnit.SECONDS)).isNotNull();
        registrar.close();
        registrations.clear();
        AtomicInteger attempts = new AtomicInteger();
        registrar = new DevicePluginRegistrar(
                dir,
                () -> {
                    if (attempts.incrementAndGet() <= 2) {
                        throw new IllegalStateException("device list unreadable");
                    }
                    return new KvmDevicePlugin(1, List.of(fakeDevice));
                },
                new CallLoggingInterceptor(new SimpleMeterRegistry()),
                Duration.ofMillis(100));
        registrar.start();

        assertThat(registrations.poll(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(attempts.get()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> registrar.registrations() == 1);
        assertThat(dir.resolve(DevicePluginRegistrar.SOCKET_NAME)).exists();
    }

    @Test
    void withoutKubeletNothingIsServedAndNothingFails() throws Exception {
        assertThat(registrations.poll(10, TimeUnit.SECONDS)).isNotNull();
        kubelet.close();
        registrations.clear();
        Files.deleteIfExists(dir.resolve(DevicePluginRegistrar.SOCKET_NAME));
        Thread.sleep(600);
        assertThat(registrations).isEmpty();
        assertThat(dir.resolve(DevicePluginRegistrar.SOCKET_NAME)).doesNotExist();
    }

    @Test
    void allocateSharesTheVerdictDirectoryAndWithholdsKvmOnANodeWithoutIt() throws Exception {
        assertThat(registrations.poll(10, TimeUnit.SECONDS)).isNotNull();
        registrar.close();
        registrations.clear();
        Path tun = Files.createFile(dir.resolve("fake-tun"));
        Path accel = dir.resolve("accel");
        AtomicReference<KvmDevicePlugin> served = new AtomicReference<>();
        registrar = new DevicePluginRegistrar(
                dir,
                () -> {
                    KvmDevicePlugin p = new KvmDevicePlugin(
                            2, fakeDevice, List.of(fakeDevice, tun), accel, new KvmDevicePlugin.Offer(true, true));
                    served.set(p);
                    return p;
                },
                new CallLoggingInterceptor(new SimpleMeterRegistry()),
                Duration.ofMillis(200));
        registrar.start();
        DevicePluginApi.RegisterRequest request = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(request).isNotNull();

        try (UnixSocketChannels.Handle channel = UnixSocketChannels.open(dir.resolve(request.getEndpoint()))) {
            DevicePluginGrpc.DevicePluginBlockingStub plugin =
                    DevicePluginGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
            Iterator<DevicePluginApi.ListAndWatchResponse> watch =
                    plugin.listAndWatch(DevicePluginApi.Empty.getDefaultInstance());
            assertThat(watch.next().getDevicesList())
                    .extracting(DevicePluginApi.Device::getHealth)
                    .containsOnly("Healthy");
            DevicePluginApi.ContainerAllocateResponse kvm = allocate(plugin);
            assertThat(kvm.getDevicesList())
                    .extracting(DevicePluginApi.DeviceSpec::getHostPath)
                    .containsExactly(fakeDevice.toString(), tun.toString());
            assertThat(kvm.getMountsList()).singleElement().satisfies(m -> {
                assertThat(m.getHostPath()).isEqualTo(accel.toString());
                assertThat(m.getContainerPath()).isEqualTo("/run/unibloc/accel");
                assertThat(m.getReadOnly()).isFalse();
            });
            assertThat(kvm.getEnvsMap())
                    .containsExactly(
                            Map.entry("UNIBLOC_KVM_VERDICT_FILE", "/run/unibloc/accel/kvm-verdict.properties"));

            // A guest fell back: no KVM any more, devices re-announced (healthy only if emulation is allowed).
            served.get().offer(new KvmDevicePlugin.Offer(false, true));
            assertThat(watch.next().getDevicesList())
                    .extracting(DevicePluginApi.Device::getHealth)
                    .containsOnly("Healthy");
            DevicePluginApi.ContainerAllocateResponse tcg = allocate(plugin);
            assertThat(tcg.getDevicesList())
                    .extracting(DevicePluginApi.DeviceSpec::getHostPath)
                    .as("/dev/kvm is withheld, the other devices stay")
                    .containsExactly(tun.toString());
            assertThat(tcg.getEnvsMap())
                    .containsEntry("UNIBLOC_ACCEL", "tcg")
                    .containsEntry("UNIBLOC_KVM_VERDICT_FILE", "/run/unibloc/accel/kvm-verdict.properties");
            assertThat(tcg.getMountsCount()).isEqualTo(1);

            served.get().offer(new KvmDevicePlugin.Offer(false, false));
            assertThat(watch.next().getDevicesList())
                    .hasSize(2)
                    .extracting(DevicePluginApi.Device::getHealth)
                    .containsOnly("Unhealthy");
        }
    }

    private static DevicePluginApi.ContainerAllocateResponse allocate(
            DevicePluginGrpc.DevicePluginBlockingStub plugin) {
        return plugin.allocate(DevicePluginApi.AllocateRequest.newBuilder()
                        .addContainerRequests(DevicePluginApi.ContainerAllocateRequest.newBuilder()
                                .addDevicesIds("kvm-0"))
                        .build())
                .getContainerResponses(0);
    }

    /**
     * Networking rides on the same allocation: every sandbox Pod requests one unibloc.io/kvm, and its tap mode needs
     * /dev/net/tun (and /dev/vhost-net where the node has it). On a node where /dev/kvm is withheld (TCG) the
     * network devices must still be handed out, or a TCG guest could only run without a NIC or through passt.
     */
    @Test
    void networkDevicesComeWithEveryAllocationAndOutliveAWithheldKvm() throws Exception {
        Path tun = Files.createFile(dir.resolve("fake-tun"));
        Path vhost = Files.createFile(dir.resolve("fake-vhost-net"));
        KvmDevicePlugin plugin = new KvmDevicePlugin(
                1, fakeDevice, List.of(fakeDevice, tun, vhost), null, new KvmDevicePlugin.Offer(true, true));
        assertThat(allocateDirectly(plugin).getDevicesList())
                .extracting(DevicePluginApi.DeviceSpec::getHostPath, DevicePluginApi.DeviceSpec::getContainerPath)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(fakeDevice.toString(), fakeDevice.toString()),
                        org.assertj.core.groups.Tuple.tuple(tun.toString(), tun.toString()),
                        org.assertj.core.groups.Tuple.tuple(vhost.toString(), vhost.toString()));

        plugin.offer(new KvmDevicePlugin.Offer(false, true));
        DevicePluginApi.ContainerAllocateResponse tcg = allocateDirectly(plugin);
        assertThat(tcg.getDevicesList())
                .extracting(DevicePluginApi.DeviceSpec::getHostPath)
                .as("TCG: no /dev/kvm, still tun and vhost-net")
                .containsExactly(tun.toString(), vhost.toString());
        assertThat(tcg.getDevicesList())
                .allSatisfy(d -> assertThat(d.getPermissions()).isEqualTo("rwm"));

        Files.delete(vhost);
        assertThat(allocateDirectly(plugin).getDevicesList())
                .extracting(DevicePluginApi.DeviceSpec::getHostPath)
                .as("a node without vhost-net: tun alone (QEMU then uses its userspace virtio-net)")
                .containsExactly(tun.toString());
    }

    @Test
    void theNodesDefaultDeviceListCarriesTheNetworkDevices() {
        assertThat(io.unibloc.csi.node.NodeComponents.Settings.defaults("n", dir, dir)
                        .kvmDeviceNodes())
                .containsExactly(Path.of("/dev/kvm"), Path.of("/dev/net/tun"), Path.of("/dev/vhost-net"));
    }

    private static DevicePluginApi.ContainerAllocateResponse allocateDirectly(KvmDevicePlugin plugin) {
        AtomicReference<DevicePluginApi.AllocateResponse> answer = new AtomicReference<>();
        plugin.allocate(
                DevicePluginApi.AllocateRequest.newBuilder()
                        .addContainerRequests(DevicePluginApi.ContainerAllocateRequest.newBuilder()
                                .addDevicesIds("kvm-0"))
                        .build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(DevicePluginApi.AllocateResponse value) {
                        answer.set(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        throw new AssertionError(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        return answer.get().getContainerResponses(0);
    }
}

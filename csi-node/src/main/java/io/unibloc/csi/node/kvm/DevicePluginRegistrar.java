package io.unibloc.csi.node.kvm;

import io.grpc.StatusRuntimeException;
import io.unibloc.api.wire.ExtendedResources;
import io.unibloc.csi.common.grpc.CallLoggingInterceptor;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.deviceplugin.v1beta1.DevicePluginApi;
import io.unibloc.deviceplugin.v1beta1.RegistrationGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the device plugin at {@code <dir>/unibloc-kvm.sock} and registers it with kubelet's Registration
 * service at {@code <dir>/kubelet.sock}. kubelet removes every plugin socket when it restarts, so the
 * registrar checks every {@code recheck}: a vanished own socket or a new kubelet socket (another inode)
 * means serve again and register again.
 */
public final class DevicePluginRegistrar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevicePluginRegistrar.class);
    public static final String SOCKET_NAME = "unibloc-kvm.sock";
    public static final String KUBELET_SOCKET = "kubelet.sock";
    public static final String API_VERSION = "v1beta1";

    private final Path dir;
    private final Supplier<KvmDevicePlugin> plugins;
    private final CallLoggingInterceptor interceptor;
    private final Duration recheck;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "device-plugin-registrar");
        t.setDaemon(true);
        return t;
    });
    private UnixSocketServer server;
    private KvmDevicePlugin plugin;
    private Object registeredWith;
    private volatile int registrations;

    public DevicePluginRegistrar(
            Path dir, Supplier<KvmDevicePlugin> plugins, CallLoggingInterceptor interceptor, Duration recheck) {
        this.dir = dir;
        this.plugins = plugins;
        this.interceptor = interceptor;
        this.recheck = recheck;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::ensure, 0, recheck.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many times the plugin registered successfully (tests, metrics). */
    public int registrations() {
        return registrations;
    }

    private synchronized void ensure() {
        try {
            Path kubelet = dir.resolve(KUBELET_SOCKET);
            Object kubeletId = identity(kubelet);
            if (kubeletId == null) {
                return;
            }
            boolean socketGone = server == null || !Files.exists(dir.resolve(SOCKET_NAME));
            if (!socketGone && Objects.equals(kubeletId, registeredWith)) {
                return;
            }
            stopServing();
            plugin = plugins.get();
            server = UnixSocketServer.start(dir.resolve(SOCKET_NAME), List.of(plugin), interceptor);
            try (UnixSocketChannels.Handle channel = UnixSocketChannels.open(kubelet)) {
                RegistrationGrpc.newBlockingStub(channel.channel())
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .register(DevicePluginApi.RegisterRequest.newBuilder()
                                .setVersion(API_VERSION)
                                .setEndpoint(SOCKET_NAME)
                                .setResourceName(ExtendedResources.KVM)
                                .setOptions(DevicePluginApi.DevicePluginOptions.getDefaultInstance())
                                .build());
            }
            registeredWith = kubeletId;
            registrations++;
            LOG.info("device plugin registered resource={} socket={}", ExtendedResources.KVM, dir.resolve(SOCKET_NAME));
        } catch (StatusRuntimeException | java.io.UncheckedIOException e) {
            forgetRegistration();
            LOG.warn(
                    "device plugin registration failed dir={} message={}; retrying in {} ms",
                    dir,
                    e.getMessage(),
                    recheck.toMillis());
        } catch (RuntimeException e) {
            // Anything escaping here would cancel the fixed-delay schedule for good, and after the next kubelet
            // restart unibloc.io/kvm would never be registered again: log it and let the next run retry.
            forgetRegistration();
            LOG.error(
                    "device plugin registration failed unexpectedly socket={} kubelet={}; retrying in {} ms",
                    dir.resolve(SOCKET_NAME),
                    dir.resolve(KUBELET_SOCKET),
                    recheck.toMillis(),
                    e);
        }
    }

    /** Serve only while registered: kubelet would not know the socket anyway. Never throws. */
    private void forgetRegistration() {
        registeredWith = null;
        try {
            stopServing();
        } catch (RuntimeException e) {
            LOG.warn(
                    "stopping the device plugin server failed socket={} message={}",
                    dir.resolve(SOCKET_NAME),
                    e.toString());
        }
    }

    private static Object identity(Path socket) {
        try {
            return Files.readAttributes(socket, "unix:ino,ctime");
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void stopServing() {
        KvmDevicePlugin oldPlugin = plugin;
        UnixSocketServer oldServer = server;
        plugin = null;
        server = null;
        try {
            if (oldPlugin != null) {
                oldPlugin.close();
            }
        } finally {
            if (oldServer != null) {
                oldServer.close();
            }
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        stopServing();
    }
}

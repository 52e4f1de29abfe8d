package io.unibloc.csi.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.csi.common.identity.IdentityService;
import io.unibloc.types.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor over a real UNIX socket: what handlers throw reaches callers mapped, and every call is timed by code. */
class CallLoggingInterceptorTest {
    private Path dir;
    private UnixSocketServer server;
    private UnixSocketChannels.Handle channel;
    private IdentityGrpc.IdentityBlockingStub identity;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicReference<Supplier<IdentityService.Readiness>> readiness =
            new AtomicReference<>(IdentityService.Readiness.Ready::new);

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("csi-common-test");
        server = UnixSocketServer.start(
                dir.resolve("sub/csi.sock"),
                List.of(new IdentityService(List.of(), () -> readiness.get().get())),
                new CallLoggingInterceptor(meters));
        channel = UnixSocketChannels.open(server.socket());
        identity = IdentityGrpc.newBlockingStub(channel.channel());
    }

    @AfterEach
    void stop() throws Exception {
        channel.close();
        server.close();
        assertThat(dir.resolve("sub/csi.sock")).doesNotExist();
        Files.deleteIfExists(dir.resolve("sub"));
        Files.deleteIfExists(dir);
    }

    @Test
    void okCallsAreTimedWithTheirCode() {
        assertThat(identity.probe(Csi.ProbeRequest.getDefaultInstance())
                        .getReady()
                        .getValue())
                .isTrue();
        assertThat(identity.getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance())
                        .getName())
                .isEqualTo("block.unibloc.io");
        assertThat(meters.get("unibloc.csi.call")
                        .tag("method", "Probe")
                        .tag("code", "OK")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void thrownStoreErrorsKeepTheirKind() {
        readiness.set(() -> {
            throw StoreException.exhausted("store full at /var/lib/unibloc");
        });
        assertThatThrownBy(() -> identity.probe(Csi.ProbeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("store full at /var/lib/unibloc");
                });
        assertThat(meters.get("unibloc.csi.call")
                        .tag("code", "RESOURCE_EXHAUSTED")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void bugsBecomeInternalNeverUnknown() {
        readiness.set(() -> {
            throw new IllegalStateException("a bug");
        });
        assertThatThrownBy(() -> identity.probe(Csi.ProbeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription()).contains("a bug");
                });
    }

    @Test
    void probeReportsStartingAndUnhealthy() {
        readiness.set(() -> new IdentityService.Readiness.Starting("informer"));
        assertThat(identity.probe(Csi.ProbeRequest.getDefaultInstance())
                        .getReady()
                        .getValue())
                .isFalse();
        readiness.set(() -> new IdentityService.Readiness.Unhealthy("store unmounted"));
        assertThatThrownBy(() -> identity.probe(Csi.ProbeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }
}

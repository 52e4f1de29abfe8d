package io.unibloc.csi.common.identity;

import com.google.protobuf.BoolValue;
import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import io.grpc.stub.StreamObserver;
import io.unibloc.csi.common.CsiNames;
import java.util.List;
import java.util.function.Supplier;

/**
 * CSI Identity: driver name {@value CsiNames#DRIVER_NAME}, the vendor version, the plugin capabilities of
 * this component and Probe. Probe answers ready=false while the component is still starting and
 * FAILED_PRECONDITION with the reason when it is unhealthy (what livenessprobe expects).
 */
public final class IdentityService extends IdentityGrpc.IdentityImplBase {
    public static final String VENDOR_VERSION = "0.1.0";

    private final List<Csi.PluginCapability.Service.Type> services;
    private final Supplier<Readiness> readiness;

    /** The component's state as Probe reports it. */
    public sealed interface Readiness {
        record Ready() implements Readiness {}

        record Starting(String what) implements Readiness {}

        record Unhealthy(String reason) implements Readiness {}
    }

    public IdentityService(List<Csi.PluginCapability.Service.Type> services, Supplier<Readiness> readiness) {
        this.services = List.copyOf(services);
        this.readiness = readiness;
    }

    @Override
    public void getPluginInfo(Csi.GetPluginInfoRequest request, StreamObserver<Csi.GetPluginInfoResponse> response) {
        response.onNext(Csi.GetPluginInfoResponse.newBuilder()
                .setName(CsiNames.DRIVER_NAME)
                .setVendorVersion(VENDOR_VERSION)
                .build());
        response.onCompleted();
    }

    @Override
    public void getPluginCapabilities(
            Csi.GetPluginCapabilitiesRequest request, StreamObserver<Csi.GetPluginCapabilitiesResponse> response) {
        Csi.GetPluginCapabilitiesResponse.Builder out = Csi.GetPluginCapabilitiesResponse.newBuilder();
        for (Csi.PluginCapability.Service.Type type : services) {
            out.addCapabilities(Csi.PluginCapability.newBuilder()
                    .setService(Csi.PluginCapability.Service.newBuilder().setType(type)));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void probe(Csi.ProbeRequest request, StreamObserver<Csi.ProbeResponse> response) {
        Readiness state = readiness.get();
        if (state instanceof Readiness.Unhealthy unhealthy) {
            throw io.grpc.Status.FAILED_PRECONDITION
                    .withDescription(unhealthy.reason())
                    .asRuntimeException();
        }
        response.onNext(Csi.ProbeResponse.newBuilder()
                .setReady(BoolValue.of(state instanceof Readiness.Ready))
                .build());
        response.onCompleted();
    }
}

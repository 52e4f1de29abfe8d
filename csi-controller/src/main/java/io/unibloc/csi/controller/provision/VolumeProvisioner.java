package io.unibloc.csi.controller.provision;

import csi.v1.Csi;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.common.grpc.CsiErrors;
import io.unibloc.csi.controller.provision.ClaimLookup.ClaimOverrides;
import io.unibloc.csi.controller.records.BlockVolumeRecords;
import io.unibloc.csi.controller.topology.NodeChooser;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.pin.ImagePinner;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.StoreException;
import io.unibloc.types.WriteMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors are the project's one taxonomy ({@link StoreException} kinds, the engine's too; the service edge maps them
 * to gRPC codes), except the CSI-specific "operation pending" (ABORTED) and OUT_OF_RANGE, which the taxonomy has no
 * kind for.
 *
 * <p>CreateVolume: find or create the {@link BlockVolume} record for the request name, then wait a short,
 * bounded time for the node plugin. Ready gives the volume; Failed gives the node's error (the record is
 * removed so that a later retry starts afresh); still preparing gives ABORTED, the CSI "operation pending"
 * code on which external-provisioner retries without rescheduling the pod.
 */
public final class VolumeProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeProvisioner.class);
    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private final BlockVolumeRecords records;
    private final ClaimLookup claims;
    private final ImagePinner pinner;
    private final NodeChooser chooser;
    private final PullCredentials credentials;
    private final WriteMode defaultWriteMode;

    /** @param defaultWriteMode the mode of a new volume whose claim and class do not say */
    public VolumeProvisioner(
            BlockVolumeRecords records,
            ClaimLookup claims,
            ImagePinner pinner,
            NodeChooser chooser,
            PullCredentials credentials,
            WriteMode defaultWriteMode) {
        this.records = records;
        this.defaultWriteMode = Objects.requireNonNull(defaultWriteMode, "defaultWriteMode");
        this.claims = claims;
        this.credentials = credentials;
        this.pinner = pinner;
        this.chooser = chooser;
    }

    /** Idempotent by request name; never waits longer than {@code maxWait}. */
    public Csi.Volume provision(VolumeRequest classRequest, Duration maxWait) {
        ClaimOverrides annotations = classRequest
                .claim()
                .map(c -> claims.read(c, classRequest.requestName()))
                .orElse(ClaimOverrides.NONE);
        VolumeRequest request =
                classRequest.withClaimOverrides(annotations.fsType(), annotations.readOnly(), annotations.writeMode());
        ImageReference image = effectiveImage(request, annotations);
        Optional<BlockVolume> existing = records.get(request.volumeId());
        BlockVolume record;
        if (existing.isPresent()) {
            record = existing.get();
            checkCompatible(record, request, image);
        } else {
            record = createRecord(request, annotations, image);
        }
        if (BlockVolumeRecords.deleting(record)) {
            throw CsiErrors.pending("volume " + request.volumeId() + " is still being deleted; retry later");
        }
        BlockVolume settled = BlockVolumeRecords.settled(record)
                ? record
                : records.awaitSettled(request.volumeId(), maxWait)
                        .orElseThrow(() -> CsiErrors.pending(
                                "volume " + request.volumeId() + " was deleted while it was prepared; retry"));
        return answer(settled, request);
    }

    private BlockVolume createRecord(VolumeRequest request, ClaimOverrides annotations, ImageReference image) {
        List<SecretReference> claimSecrets = pullSecrets(request, annotations);
        // The Secrets the node will pull with, in its order: a private image that pins here must pull there.
        ImageReference pinned = pinner.resolve(image, credentials.read(claimSecrets, request.credentials()));
        String node = chooser.choose(request.topology());
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setRequestName(request.requestName());
        spec.setNode(node);
        spec.setImage(pinned.toString());
        spec.setSourceImage(image.toString());
        spec.setFsType(request.fsType().id());
        spec.setSizeBytes(request.requiredBytes());
        spec.setLimitBytes(request.limitBytes());
        spec.setReadOnly(request.readOnly());
        spec.setWriteMode(request.effectiveWriteMode(defaultWriteMode).id());
        request.claim().ifPresent(c -> {
            spec.setPvcNamespace(c.namespace());
            spec.setPvcName(c.name());
        });
        spec.setPullSecrets(claimSecrets);
        spec.setProvisionerSecret(annotations.provisionerSecret().orElse(null));
        BlockVolume volume = new BlockVolume();
        volume.setMetadata(new ObjectMetaBuilder()
                .withName(request.volumeId())
                .withLabels(Map.of(BlockVolume.NODE_LABEL, node))
                // Set here, not by the node plugin, so that no deletion can slip in before the node holds it.
                .withFinalizers(BlockVolume.STORAGE_FINALIZER)
                .build());
        volume.setSpec(spec);
        BlockVolumeStatus status = new BlockVolumeStatus();
        status.setPhase(BlockVolumePhase.Pending);
        volume.setStatus(status);
        try {
            BlockVolume created = records.create(volume);
            LOG.info(
                    "recorded volume={} request={} node={} image={} fsType={} sizeBytes={}",
                    request.volumeId(),
                    request.requestName(),
                    node,
                    pinned,
                    spec.getFsType(),
                    spec.getSizeBytes());
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // A concurrent CreateVolume with the same name won the race: answer as a repeat of it.
            BlockVolume winner = records.get(request.volumeId()).orElseThrow(() -> e);
            checkCompatible(winner, request, image);
            return winner;
        }
    }

    private Csi.Volume answer(BlockVolume volume, VolumeRequest request) {
        String id = volume.getMetadata().getName();
        BlockVolumeStatus status = volume.getStatus();
        BlockVolumePhase phase =
                status == null || status.getPhase() == null ? BlockVolumePhase.Pending : status.getPhase();
        switch (phase) {
            case Ready -> {
                long size = status.getSizeBytes() == null ? volume.getSpec().getSizeBytes() : status.getSizeBytes();
                if (size < request.requiredBytes()) {
                    // Answering with it would make external-provisioner delete and retry, forever.
                    records.delete(id);
                    throw StoreException.internal(
                            "volume " + id + " on node " + volume.getSpec().getNode() + " has " + size
                                    + " bytes, less than capacity_range.required_bytes " + request.requiredBytes()
                                    + "; the node plugin does not honour the size contract",
                            null);
                }
                if (request.limitBytes() > 0 && size > request.limitBytes()) {
                    records.delete(id);
                    throw io.grpc.Status.OUT_OF_RANGE
                            .withDescription("volume " + id + " of image "
                                    + volume.getSpec().getImage() + " needs " + size
                                    + " bytes, more than capacity_range.limit_bytes " + request.limitBytes())
                            .asRuntimeException();
                }
                return VolumeView.toCsi(volume);
            }
            case Failed -> {
                records.delete(id);
                throw Status.fromCode(FailureCodes.of(status.getReason()))
                        .withDescription(
                                "volume " + id + " on node " + volume.getSpec().getNode() + ": " + status.getMessage()
                                        + " (" + status.getReason() + ")")
                        .asRuntimeException();
            }
            default ->
                throw CsiErrors.pending("volume " + id + " is being prepared on node "
                        + volume.getSpec().getNode()
                        + " (phase " + phase
                        + (status != null && status.getMessage() != null ? ": " + status.getMessage() : "")
                        + "); retry");
        }
    }

    private static ImageReference effectiveImage(VolumeRequest request, ClaimOverrides annotations) {
        if (annotations.image().isPresent()) {
            try {
                return ImageReference.parse(annotations.image().get());
            } catch (RegistryException e) {
                throw StoreException.invalid("annotation " + ClaimAnnotations.IMAGE + " of claim "
                        + request.claim().orElseThrow() + ": " + e.getMessage());
            }
        }
        String text = request.imageParameter()
                .orElseThrow(() -> StoreException.invalid("parameters." + CsiNames.PARAM_IMAGE
                        + ": is required (or annotate the claim with " + ClaimAnnotations.IMAGE + ")"));
        try {
            return ImageReference.parse(text);
        } catch (RegistryException e) {
            throw StoreException.invalid("parameters." + CsiNames.PARAM_IMAGE + ": " + e.getMessage());
        }
    }

    private static List<SecretReference> pullSecrets(VolumeRequest request, ClaimOverrides annotations) {
        List<SecretReference> out = new ArrayList<>();
        for (String name : annotations.pullSecrets()) {
            if (!SECRET_NAME.matcher(name).matches()) {
                throw StoreException.invalid(
                        "annotation " + ClaimAnnotations.PULL_SECRETS + ": '" + name + "' is not a Secret name");
            }
            out.add(new SecretReference(name, request.claim().orElseThrow().namespace()));
        }
        return out;
    }

    private static void checkCompatible(BlockVolume existing, VolumeRequest request, ImageReference image) {
        BlockVolumeSpec spec = existing.getSpec();
        List<String> diffs = new ArrayList<>();
        if (!Objects.equals(spec.getRequestName(), request.requestName())) {
            diffs.add("request name '" + spec.getRequestName() + "'");
        }
        if (!Objects.equals(spec.getSourceImage(), image.toString())
                && !Objects.equals(spec.getImage(), image.toString())) {
            diffs.add("image " + spec.getSourceImage());
        }
        if (!Objects.equals(spec.getFsType(), request.fsType().id())) {
            diffs.add("fsType " + spec.getFsType());
        }
        if (spec.isReadOnly() != request.readOnly()) {
            diffs.add("readOnly " + spec.isReadOnly());
        }
        // A repeat that does not say takes the recorded mode: a volume recorded under an older default stays as it is.
        if (request.writeMode().isPresent()
                && !Objects.equals(
                        WriteMode.parse(spec.getWriteMode()),
                        request.writeMode().get())) {
            diffs.add("writeMode " + spec.getWriteMode());
        }
        if (spec.getSizeBytes() != request.requiredBytes() || spec.getLimitBytes() != request.limitBytes()) {
            diffs.add("capacity range " + spec.getSizeBytes() + ".." + spec.getLimitBytes());
        }
        if (!diffs.isEmpty()) {
            throw StoreException.alreadyExists(
                    "volume " + existing.getMetadata().getName() + " for request '" + request.requestName()
                            + "' already exists with different parameters: " + String.join(", ", diffs));
        }
    }
}

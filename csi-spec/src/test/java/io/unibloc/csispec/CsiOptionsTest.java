package io.unibloc.csispec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.GeneratedMessage.GeneratedExtension;
import csi.v1.Csi;
import io.unibloc.deviceplugin.v1beta1.DevicePluginApi;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Custom options and naming facts that tools outside the wire format rely on: the sidecars'
 * log sanitiser keys on the csi_secret extension number, and our own logging must be able to
 * find every secret field through it.
 */
class CsiOptionsTest {

    static Stream<Arguments> extensions() {
        return Stream.of(
                Arguments.of("csi_secret", Csi.csiSecret, 1059),
                Arguments.of("alpha_field", Csi.alphaField, 1060),
                Arguments.of("alpha_enum", Csi.alphaEnum, 1060),
                Arguments.of("alpha_enum_value", Csi.alphaEnumValue, 1060),
                Arguments.of("alpha_message", Csi.alphaMessage, 1060),
                Arguments.of("alpha_method", Csi.alphaMethod, 1060),
                Arguments.of("alpha_service", Csi.alphaService, 1060));
    }

    @ParameterizedTest(name = "{0} = {2}")
    @MethodSource("extensions")
    void extensionHasUpstreamNumber(String name, GeneratedExtension<?, ?> extension, int number) {
        assertThat(extension.getDescriptor().getName()).isEqualTo(name);
        assertThat(extension.getDescriptor().getNumber()).isEqualTo(number);
    }

    @Test
    void everySecretsFieldIsMarkedCsiSecret() {
        List<FieldDescriptor> secrets = new ArrayList<>();
        Csi.getDescriptor().getMessageTypes().forEach(message -> collectFieldsNamed(message, "secrets", secrets));

        // 19 requests carry secrets in CSI 1.12; fewer means a field went missing.
        assertThat(secrets).hasSize(19);
        assertThat(secrets)
                .allSatisfy(field -> assertThat(field.getOptions().getExtension(Csi.csiSecret))
                        .as("csi_secret on %s", field.getFullName())
                        .isTrue());
    }

    @Test
    void renamedMutableParametersKeepUpstreamNumberAndJsonName() {
        // See "JAVA NAME CLASH" in csi.proto.
        assertThat(List.of(
                        Csi.CreateVolumeRequest.getDescriptor().findFieldByName("mutable_params"),
                        Csi.ValidateVolumeCapabilitiesRequest.getDescriptor().findFieldByName("mutable_params"),
                        Csi.ValidateVolumeCapabilitiesResponse.Confirmed.getDescriptor()
                                .findFieldByName("mutable_params")))
                .extracting(FieldDescriptor::getNumber, FieldDescriptor::getJsonName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(8, "mutableParameters"),
                        org.assertj.core.groups.Tuple.tuple(6, "mutableParameters"),
                        org.assertj.core.groups.Tuple.tuple(4, "mutableParameters"));
        assertThat(Csi.ControllerModifyVolumeRequest.getDescriptor()
                        .findFieldByName("mutable_parameters")
                        .getNumber())
                .isEqualTo(3);
    }

    @Test
    void protoPackagesAreUpstreams() {
        assertThat(Csi.getDescriptor().getPackage()).isEqualTo("csi.v1");
        assertThat(DevicePluginApi.getDescriptor().getPackage()).isEqualTo("v1beta1");
        assertThat(Csi.CreateVolumeRequest.getDescriptor().getFullName()).isEqualTo("csi.v1.CreateVolumeRequest");
        assertThat(DevicePluginApi.RegisterRequest.getDescriptor().getFullName())
                .isEqualTo("v1beta1.RegisterRequest");
    }

    private static void collectFieldsNamed(Descriptor message, String name, List<FieldDescriptor> into) {
        message.getFields().stream()
                .filter(field -> field.getName().equals(name))
                .forEach(into::add);
        message.getNestedTypes().forEach(nested -> collectFieldsNamed(nested, name, into));
    }
}

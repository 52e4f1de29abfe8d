package io.unibloc.csi.node.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.csi.node.MockApi;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node reads the same Secrets the controller pinned with: the claim's, then the StorageClass's provisioner secret. */
class VolumeCredentialsTest {
    private static MockApi api;
    private static VolumeCredentials secrets;

    @BeforeAll
    static void start() {
        api = new MockApi();
        secrets = new VolumeCredentials(api.client);
        // Line-wrapped base64, as some tools write it, around an auth that itself carries a newline.
        String auth = Base64.getEncoder().encodeToString("robot:s3cret".getBytes(StandardCharsets.UTF_8)) + "\n";
        String config = "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + auth.replace("\n", "\\n") + "\"}}}";
        String wrapped = Base64.getMimeEncoder(20, "\n".getBytes(StandardCharsets.UTF_8))
                .encodeToString(config.getBytes(StandardCharsets.UTF_8));
        api.client
                .secrets()
                .inNamespace("infra")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("class-cred")
                        .withNamespace("infra")
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .addToData(".dockerconfigjson", wrapped)
                        .build())
                .create();
        api.client
                .secrets()
                .inNamespace("apps")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("legacy")
                        .withNamespace("apps")
                        .endMetadata()
                        .withType("kubernetes.io/dockercfg")
                        .addToStringData(".dockercfg", "{\"other:5000\":{\"username\":\"u\",\"password\":\"p\"}}")
                        .build())
                .create();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theProvisionerSecretRecordedInTheSpecIsUsedAfterTheClaimsOwn() {
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setPullSecrets(List.of(new SecretReference("legacy", "apps")));
        spec.setProvisionerSecret(new SecretReference("class-cred", "infra"));
        RegistryCredentials credentials = secrets.read(spec);
        assertThat(credentials.forRegistry("127.0.0.1:5000"))
                .contains(new RegistryCredentials.Login("robot", "s3cret"));
        assertThat(credentials.forRegistry("other:5000")).contains(new RegistryCredentials.Login("u", "p"));
    }

    @Test
    void aMissingSecretIsAnErrorNamingItNeverSkipped() {
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setProvisionerSecret(new SecretReference("gone", "infra"));
        assertThatThrownBy(() -> secrets.read(spec))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("infra/gone");
    }
}

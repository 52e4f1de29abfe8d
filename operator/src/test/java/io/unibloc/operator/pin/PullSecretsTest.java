package io.unibloc.operator.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PullSecretsTest {

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsDockerConfigJson() {
        String config = "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:s3cret") + "\"}}}";
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName("regcred")
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", b64(config))
                .build();
        RegistryCredentials creds = PullSecrets.parse(secret);
        assertThat(creds.forRegistry("127.0.0.1:5000")).contains(new RegistryCredentials.Login("alice", "s3cret"));
    }

    @Test
    void readsTheLegacyDockercfgAndStringData() {
        String legacy = "{\"https://index.docker.io/v1/\":{\"username\":\"bob\",\"password\":\"pw\"}}";
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName("old")
                .endMetadata()
                .withType("kubernetes.io/dockercfg")
                .addToStringData(".dockercfg", legacy)
                .build();
        assertThat(PullSecrets.parse(secret).forRegistry("docker.io"))
                .contains(new RegistryCredentials.Login("bob", "pw"));
    }

    @Test
    void aSecretOfAnotherTypeIsNamedAndExplained() {
        Secret opaque = new SecretBuilder()
                .withNewMetadata()
                .withName("tls")
                .endMetadata()
                .withType("Opaque")
                .addToData("password", b64("hunter2"))
                .build();
        assertThatThrownBy(() -> PullSecrets.parse(opaque))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining(".dockerconfigjson")
                .hasMessageContaining("Opaque")
                .hasMessageNotContaining("hunter2");
    }
}

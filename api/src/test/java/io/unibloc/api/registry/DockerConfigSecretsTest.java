package io.unibloc.api.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerConfigSecretsTest {
    private static final String CONFIG = "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"cm9ib3Q6czNjcmV0\"}}}";

    private static SecretBuilder secret(String type) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName("regcred")
                .withNamespace("apps")
                .endMetadata()
                .withType(type);
    }

    @Test
    void dataIsBase64WhateverItsLineWrappingAndStringDataIsPlain() {
        String wrapped = Base64.getMimeEncoder(16, "\r\n".getBytes(StandardCharsets.UTF_8))
                        .encodeToString(CONFIG.getBytes(StandardCharsets.UTF_8))
                + "\n";
        Secret data = secret("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", wrapped)
                .build();
        assertThat(new String(DockerConfigSecrets.dockerConfig("apps/regcred", data), StandardCharsets.UTF_8))
                .isEqualTo(CONFIG);
        Secret legacy = secret("kubernetes.io/dockercfg")
                .addToStringData(".dockercfg", "{}")
                .build();
        assertThat(DockerConfigSecrets.dockerConfig("apps/regcred", legacy))
                .isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSecretOfAnotherTypeOrBrokenBase64IsNamedWithoutItsValue() {
        Secret opaque = secret("Opaque").addToData("password", "aHVudGVyMg==").build();
        assertThatThrownBy(() -> DockerConfigSecrets.dockerConfig("apps/regcred", opaque))
                .isInstanceOfSatisfying(
                        PullSecretException.class,
                        e -> assertThat(e.reason()).isEqualTo(PullSecretException.Reason.INVALID))
                .hasMessageContaining("apps/regcred")
                .hasMessageContaining("Opaque")
                .hasMessageNotContaining("aHVudGVyMg");
        Secret broken = secret("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", "%%%secret%%%")
                .build();
        assertThatThrownBy(() -> DockerConfigSecrets.dockerConfig("apps/regcred", broken))
                .isInstanceOf(PullSecretException.class)
                .hasMessageContaining("base64")
                .hasMessageNotContaining("secret%");
    }

    @Test
    void theCsiSecretsMapHoldsDecodedValues() {
        assertThat(DockerConfigSecrets.dockerConfig(Map.of(".dockercfg", "{}")))
                .isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(DockerConfigSecrets.dockerConfig(Map.of("token", "x"))).isNull();
    }
}

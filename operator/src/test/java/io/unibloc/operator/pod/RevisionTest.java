package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevisionTest {
    private static final String IMAGE = "r.example.com/app@" + Fixtures.DIGEST;

    @Test
    void sameSpecSameRevisionWhateverTheMapOrder() {
        UnikernelPodSpec a = Fixtures.spec("app:1");
        UnikernelPodSpec b = Fixtures.spec("app:1");
        Map<String, String> env1 = new LinkedHashMap<>();
        env1.put("A", "1");
        env1.put("B", "2");
        Map<String, String> env2 = new LinkedHashMap<>();
        env2.put("B", "2");
        env2.put("A", "1");
        a.setEnv(env1);
        b.setEnv(env2);
        assertThat(Revision.of(a, IMAGE))
                .isEqualTo(Revision.of(b, IMAGE))
                .hasSize(10)
                .matches("[0-9a-f]{10}");
    }

    @Test
    void anythingThatNeedsANewGuestChangesIt() {
        UnikernelPodSpec base = Fixtures.spec("app:1");
        String r = Revision.of(base, IMAGE);
        assertThat(Revision.of(base, "r.example.com/app@sha256:" + "cd".repeat(32)))
                .as("digest")
                .isNotEqualTo(r);
        UnikernelPodSpec args = Fixtures.spec("app:1");
        args.setArgs(List.of("x"));
        assertThat(Revision.of(args, IMAGE)).as("args").isNotEqualTo(r);
        UnikernelPodSpec memory = Fixtures.spec("app:1");
        memory.setMemory("512Mi");
        assertThat(Revision.of(memory, IMAGE)).as("memory").isNotEqualTo(r);
        UnikernelPodSpec image = Fixtures.spec("app:2");
        assertThat(Revision.of(image, IMAGE)).as("image").isNotEqualTo(r);
    }
}

package io.unibloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchBaselinesIT {
    @TempDir
    Path tmp;

    @Test
    void baselinesOnlyBenchWritesTableCsvAndChart() throws Exception {
        Path out = tmp.resolve("out");
        CliHarness r = CliHarness.run(
                "--store",
                tmp.resolve("store").toString(),
                "bench",
                "--sizes",
                "4",
                "--baselines-only",
                "--baseline-iterations",
                "1",
                "--out",
                out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("| create+attach | naive (untar + mkfs.ext4 -d) | 4 | 1 |")
                .contains("full copy (cp --reflink=never)");
        assertThat(Files.readString(out.resolve("bench.csv")))
                .startsWith("scenario,variant,image_mib,n,p50_ms")
                .contains("create+attach,naive (untar + mkfs.ext4 -d),4,1,");
        byte[] png = Files.readAllBytes(out.resolve("bench.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
}

package io.unibloc.csi.common;

import java.util.Map;

/**
 * Logging defaults of the executables (slf4j-simple to stderr): timestamps, and silence for two known-harmless
 * warnings (netty's SO_KEEPALIVE on UNIX sockets, fabric8's note on v1alpha1 resources). Any
 * {@code -Dorg.slf4j.simpleLogger.*} given on the command line wins. Call before the first logger is created.
 */
public final class LogDefaults {
    private LogDefaults() {}

    public static void apply() {
        Map.of(
                        "org.slf4j.simpleLogger.showDateTime",
                        "true",
                        "org.slf4j.simpleLogger.dateTimeFormat",
                        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
                        "org.slf4j.simpleLogger.log.io.netty.bootstrap",
                        "error",
                        "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils",
                        "error")
                .forEach((k, v) -> {
                    if (System.getProperty(k) == null) {
                        System.setProperty(k, v);
                    }
                });
    }
}

/** The small HTTP endpoint every component serves next to its socket: Prometheus {@code /metrics} and {@code /healthz}. */
package io.unibloc.csi.common.ops;

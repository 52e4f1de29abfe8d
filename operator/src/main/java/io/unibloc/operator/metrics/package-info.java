/** Micrometer meters of the reconcilers, served by Quarkus at {@code /q/metrics}. */
package io.unibloc.operator.metrics;

/**
 * The unibloc operator: reconciles {@code UnikernelPod} into one Pod that boots the guest from a
 * copy-on-write block volume, and {@code UnikernelImage} into a pinned digest that the node plugins
 * prepare ahead of time. Sub-packages: {@code config} (Quarkus configuration), {@code pin} (tag → digest
 * through the registry module's pinner, cached, off the reconcile thread), {@code pod} and {@code image} (the
 * two reconcilers and what they build), {@code network} (the Pod's network mode and the parts each mode adds),
 * {@code runtimeclass} (whether a RuntimeClass exists and the scheduling it adds), {@code status} (conditions
 * and events), {@code metrics} (reconcile counters and timers).
 */
package io.unibloc.operator;

/**
 * Tests of the whole operator: the Quarkus application against fabric8's mock API server in CRUD
 * mode, a real OCI registry (testkit) for pinning, and a small stand-in for the kubelet, the scheduler
 * and the ephemeral volume controller ({@link io.unibloc.operator.it.Cluster}), which the mock lacks.
 * Every class uses the same profile and server, so the application starts once. They are *Test
 * classes run by surefire with the unit tests, so one -Dtest pattern selects the whole module.
 */
package io.unibloc.operator.it;

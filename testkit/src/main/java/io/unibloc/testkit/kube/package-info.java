/**
 * A mock Kubernetes API server that refuses what a real kube-apiserver refuses, so that tests catch the
 * requests that only fail on a real cluster: {@link io.unibloc.testkit.kube.StrictApiDispatcher} wraps
 * fabric8's CRUD dispatcher and {@link io.unibloc.testkit.kube.StrictApiServer} starts it with the committed
 * CRDs installed.
 */
package io.unibloc.testkit.kube;

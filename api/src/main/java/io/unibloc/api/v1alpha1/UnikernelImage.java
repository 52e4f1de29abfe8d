package io.unibloc.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An image to prepare on a set of nodes before any guest needs it: the operator pins it and counts the
 * nodes whose node plugin reports it ready; the node plugins pull and build it.
 */
@Group(UnikernelPod.GROUP)
@Version(UnikernelPod.VERSION)
@ShortNames("uki")
@ValidationRule(value = "has(self.spec)", message = "spec is required: set at least spec.image")
@AdditionalPrinterColumn(name = "Digest", jsonPath = ".status.shortDigest", type = Type.STRING)
@AdditionalPrinterColumn(name = "Selected", jsonPath = ".status.nodesSelected", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.nodesReady", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class UnikernelImage extends CustomResource<UnikernelImageSpec, UnikernelImageStatus> implements Namespaced {}

/**
 * Tag → digest pinning with the image's labels ({@link io.unibloc.registry.pin.ImagePinner}), shared by the operator
 * and the CSI controller, so that both mean the same image by the same tag and choose its platform the same way.
 */
package io.unibloc.registry.pin;

/**
 * The value types every module names, each with one owner: {@link io.unibloc.types.FsType}, {@link
 * io.unibloc.types.WriteMode}, {@link io.unibloc.types.Vmm}, {@link io.unibloc.types.Machine} and {@link
 * io.unibloc.types.NetworkMode} (the CRDs, the StorageClass parameters, the boot spec and the engine spell them the
 * same way), the volume size rule {@link io.unibloc.types.VolumeSizes}, and the one error taxonomy, {@link
 * io.unibloc.types.ErrorKind} carried by {@link io.unibloc.types.StoreException}.
 *
 * <p>Here rather than in the engine or the API because both sides need them and must not need each other: the
 * engine stays free of Kubernetes, the operator and the CSI controller stay free of the engine, and the sandbox
 * stays small. So this package depends on nothing of the project and on no library but Jackson's annotations (the
 * e2e {@code EngineBoundaryTest} checks it). Defaults that are policy (which write mode a Pod gets when it names
 * none) belong to the API and the engine, not to these types.
 */
package io.unibloc.types;

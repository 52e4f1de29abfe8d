/**
 * Clean-up after deleted Nodes (TopoLVM's node finalizer pattern): the controller holds a finalizer on every Node
 * that has unibloc storage, and when such a Node is deleted it releases that node's BlockVolumes and NodeStore
 * before letting the Node go.
 */
package io.unibloc.csi.controller.nodes;

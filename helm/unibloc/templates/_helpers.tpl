{{/*
Names, labels and image references shared by every template.
*/}}

{{- define "unibloc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Prefix of every object name: "<release>-unibloc", or just the release name when it already contains the chart name.
Kept to 40 characters so that "<prefix>-csi-controller-provisioner" and friends stay within 63.
*/}}
{{- define "unibloc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "unibloc.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "unibloc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "unibloc.labels" -}}
helm.sh/chart: {{ include "unibloc.chart" . }}
app.kubernetes.io/name: {{ include "unibloc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: unibloc
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "operator"). */}}
{{- define "unibloc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "unibloc.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of one component's objects; call with (dict "root" $ "component" "operator"). */}}
{{- define "unibloc.componentLabels" -}}
{{ include "unibloc.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Reference of a unibloc image; call with (dict "root" $ "image" .Values.operator.image).
[registry/]repository:tag, where tag falls back to image.tag and then to the chart's appVersion.
*/}}
{{- define "unibloc.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- $registry := .root.Values.image.registry | trimSuffix "/" -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Reference of a CSI sidecar image (its repository already names its registry). */}}
{{- define "unibloc.sidecarImage" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{/* The CSI driver's fixed names (the contract with the controller, the node plugin and the operator). */}}
{{- define "unibloc.csiDriverName" -}}block.unibloc.io{{- end -}}
{{- define "unibloc.topologyKey" -}}topology.block.unibloc.io/node{{- end -}}

{{/* Socket paths: inside the Pods (shared emptyDir / hostPath mounted at /csi) and on the node for kubelet. */}}
{{- define "unibloc.csiSocketDir" -}}/csi{{- end -}}
{{- define "unibloc.csiSocket" -}}/csi/csi.sock{{- end -}}
{{- define "unibloc.nodePluginDir" -}}
{{- printf "%s/plugins/%s" (.Values.csiNode.kubeletDir | trimSuffix "/") (include "unibloc.csiDriverName" .) -}}
{{- end -}}

{{/* Restricted container security context used by every container that needs no privilege. */}}
{{- define "unibloc.restrictedContainerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Pod security context of the unprivileged Deployments: one non-root uid so that the shared socket works. */}}
{{- define "unibloc.restrictedPodSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* "true" when unikernel Pods may run under TCG on nodes without usable KVM: sandbox.allowSoftwareEmulation
     (a boolean or its string), or the older kvm.requireKvmNode=false. */}}
{{- define "unibloc.allowSoftwareEmulation" -}}
{{- if or (eq (toString .Values.sandbox.allowSoftwareEmulation | lower) "true") (eq (toString .Values.kvm.requireKvmNode | lower) "false") -}}
true
{{- else -}}
false
{{- end -}}
{{- end -}}

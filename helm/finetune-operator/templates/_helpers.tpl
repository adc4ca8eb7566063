{{/* Name of the chart, overridable. */}}
{{- define "fto.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name of the release's objects. */}}
{{- define "fto.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "fto.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "fto.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fto.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "fto.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: finetune-operator
{{- end -}}

{{- define "fto.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fto.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* Trainer pods, as the operator labels them. */}}
{{- define "fto.trainerSelector" -}}
app.kubernetes.io/managed-by: finetune-operator
app.kubernetes.io/component: trainer
{{- end -}}

{{- define "fto.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fto.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "fto.image" -}}
{{- printf "%s:%s" .repository (default .appVersion .tag) -}}
{{- end -}}

{{- define "fto.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* The operator's permissions: only what it calls. */}}
{{- define "fto.rules" -}}
- apiGroups: [finetune.dev]
  resources: [finetunejobs]
  verbs: [get, list, watch]
- apiGroups: [finetune.dev]
  resources: [finetunejobs/status]
  verbs: [get, patch, update]
- apiGroups: [""]
  resources: [configmaps, persistentvolumeclaims]
  verbs: [get, list, watch, create]
# delete: only a failed publish Job, so that its push is retried by a new one.
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [get, create, patch]
{{- end -}}

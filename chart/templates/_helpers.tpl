{{/*
Names and labels. Object names are truncated to 63 characters (the DNS label limit); selectors
use only name, instance, component (and colour for app pods): values that never change over a
release's life, because a Deployment's selector is immutable.
*/}}

{{- define "myapp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart>, or just the release name when it already contains the chart name. */}}
{{- define "myapp.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A name derived from the full name: (dict "root" $ "suffix" "blue"). Suffix kept whole. */}}
{{- define "myapp.nameWith" -}}
{{- $suffix := printf "-%s" .suffix -}}
{{- printf "%s%s" (include "myapp.fullname" .root | trunc (int (sub 63 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "myapp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A label value from any string (a tag with a digest is longer and has characters labels refuse). */}}
{{- define "myapp.labelValue" -}}
{{- regexReplaceAll "[^A-Za-z0-9_.-]" . "_" | trunc 63 | trimAll "_.-" -}}
{{- end -}}

{{/* Selector labels: (dict "root" $ "component" "api"). */}}
{{- define "myapp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "myapp.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object's labels: (dict "root" $ "component" "api" ["version" "1.4.2"]). */}}
{{- define "myapp.labels" -}}
{{ include "myapp.selectorLabels" . }}
app.kubernetes.io/version: {{ include "myapp.labelValue" (default .root.Chart.AppVersion .version) | quote }}
app.kubernetes.io/part-of: {{ include "myapp.name" .root }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "myapp.chart" .root }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "myapp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "myapp.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A Helm hook's annotations, with the Argo CD equivalents so the chart behaves the same there:
     (dict "events" "pre-install,pre-upgrade" "weight" -5 "argo" "PreSync"). */}}
{{- define "myapp.hookAnnotations" -}}
helm.sh/hook: {{ .events }}
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: {{ default "before-hook-creation" .deletePolicy }}
argocd.argoproj.io/hook: {{ .argo }}
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
argocd.argoproj.io/sync-wave: {{ .weight | quote }}
{{- end -}}

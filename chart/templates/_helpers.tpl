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

{{/* A name derived from the full name: (dict "root" $ "suffix" "blue" ["max" 52]). Suffix kept
     whole; 63 characters at most unless `max` says less. */}}
{{- define "myapp.nameWith" -}}
{{- $suffix := printf "-%s" .suffix -}}
{{- $max := int (default 63 .max) -}}
{{- printf "%s%s" (include "myapp.fullname" .root | trunc (int (sub $max (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{/* The in-chart PostgreSQL's name. A StatefulSet labels its pods `controller-revision-hash:
     <name>-<10-character hash>`, a label value of 63 characters at most: 52 for the name. */}}
{{- define "myapp.postgresql.name" -}}
{{- include "myapp.nameWith" (dict "root" . "suffix" "postgresql" "max" 52) -}}
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
{{ include "myapp.stableLabels" . }}
helm.sh/chart: {{ include "myapp.chart" .root }}
{{- end -}}

{{/* The labels of the colour Deployments and of every pod template: the same without the chart's
     version, so that a new chart version changes no Deployment that runs the same image and
     restarts no pod (a chart bump must leave the live colour alone). */}}
{{- define "myapp.stableLabels" -}}
{{ include "myapp.selectorLabels" . }}
app.kubernetes.io/version: {{ include "myapp.labelValue" (default .root.Chart.AppVersion .version) | quote }}
app.kubernetes.io/part-of: {{ include "myapp.name" .root }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The ServiceAccount of the migration hook Jobs: hooks run before the release's own objects
     exist (pre-install), and the ServiceAccount admission controller refuses a pod whose account
     does not exist yet, so the chart's account for them is a hook itself (migrations.yaml). */}}
{{- define "myapp.hookServiceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- include "myapp.nameWith" (dict "root" . "suffix" "migrations") -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
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
argocd.argoproj.io/hook-delete-policy: {{ default "BeforeHookCreation" .argoDeletePolicy }}
argocd.argoproj.io/sync-wave: {{ .weight | quote }}
{{- end -}}

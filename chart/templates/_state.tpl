{{/*
The deployment state, computed once from values (never from the cluster: `lookup` is empty under
`helm template`, --dry-run=client and Argo CD), and the guards that refuse impossible steps.

Rolling is blue-green with one colour: only the active colour is rendered, with the same name,
selector and pod template it has in blue-green mode, so `--set strategy=bluegreen` (and back)
renames and restarts nothing.

Usage: $state := include "myapp.state" . | fromYaml
*/}}
{{- define "myapp.state" -}}
{{- $v := .Values -}}
{{- $bluegreen := eq $v.strategy "bluegreen" -}}
{{- $active := $v.blueGreen.activeColor -}}
{{- $idle := ternary "green" "blue" (eq $active "blue") -}}
bluegreen: {{ $bluegreen }}
step: {{ ternary $v.blueGreen.step "rolling" $bluegreen }}
active: {{ $active }}
idle: {{ $idle }}
colours:
{{- range $colour := list "blue" "green" }}
{{- $c := index $v.blueGreen $colour }}
{{- $replicas := int $v.replicaCount }}
{{- if not (kindIs "invalid" $c.replicas) }}{{ $replicas = int $c.replicas }}{{ end }}
{{- $tag := $c.tag | default $v.image.tag | default $.Chart.AppVersion | toString }}
{{- $rendered := or $bluegreen (eq $colour $active) }}
  {{ $colour }}:
    rendered: {{ $rendered }}
    replicas: {{ $replicas }}
    running: {{ and $rendered (gt $replicas 0) }}
    tag: {{ $tag | quote }}
    image: {{ printf "%s:%s" $v.image.repository $tag | quote }}
    {{- /* RELEASE: the tag without a digest (the migration gate orders releases by it). */}}
    release: {{ regexReplaceAll "@.*$" $tag "" | quote }}
{{- end }}
{{- end -}}

{{/* The colour new versions land on, and so the image that runs expand and backfill: the idle
     colour while it is being deployed, otherwise the active one (after promote it is the new one). */}}
{{- define "myapp.newestColour" -}}
{{- $state := include "myapp.state" . | fromYaml -}}
{{- ternary $state.idle $state.active (eq $state.step "deploy") -}}
{{- end -}}

{{/* The colour the preview Service selects: the idle colour while it runs, else the active one
     (a preview Service must always reach something: `helm test` uses it). */}}
{{- define "myapp.previewColour" -}}
{{- $state := include "myapp.state" . | fromYaml -}}
{{- $idle := index $state.colours $state.idle -}}
{{- ternary $state.idle $state.active $idle.running -}}
{{- end -}}

{{/* Template-time guards. Each `fail` names the problem and the value that fixes it. */}}
{{- define "myapp.guards" -}}
{{- $v := .Values -}}
{{- $state := include "myapp.state" . | fromYaml -}}
{{- $active := index $state.colours $state.active -}}
{{- $idle := index $state.colours $state.idle -}}
{{- $prefix := printf "myapp chart (strategy=%s, step=%s, activeColor=%s)" $v.strategy $state.step $state.active -}}

{{- if not $active.running -}}
{{- fail (printf "%s: the active colour %s has 0 replicas. Traffic must never go to a colour without pods: give blueGreen.%s.replicas a number above 0 (or null for replicaCount), or keep activeColor on the colour that runs." $prefix $state.active $state.active) -}}
{{- end -}}
{{- if or (not $v.image.repository) (not $active.tag) -}}
{{- fail (printf "%s: the active colour %s has no image: set image.repository and blueGreen.%s.tag (or image.tag)." $prefix $state.active $state.active) -}}
{{- end -}}

{{- if $state.bluegreen -}}
{{- if and (eq $state.step "deploy") (not $idle.running) -}}
{{- fail (printf "%s: the deploy step runs the new version on the idle colour %s, which has 0 replicas: set blueGreen.%s.tag=<new version> and blueGreen.%s.replicas=<n> (or null for replicaCount)." $prefix $state.idle $state.idle $state.idle) -}}
{{- end -}}
{{- if and (eq $state.step "promote") (not $idle.running) -}}
{{- fail (printf "%s: promote keeps the previous colour %s warm so a rollback is a value flip; it has 0 replicas. Scale it down in the retire step (blueGreen.step=retire), not while promoting." $prefix $state.idle) -}}
{{- end -}}
{{- if and (eq $state.step "retire") $idle.running -}}
{{- fail (printf "%s: retire scales the idle colour %s down, but it has %d replicas: set blueGreen.%s.replicas=0 (or choose blueGreen.step=deploy or promote)." $prefix $state.idle (int $idle.replicas) $state.idle) -}}
{{- end -}}
{{- if and $v.migrations.contract.run $idle.running -}}
{{- fail (printf "%s: no contract migration while both colours run: %s (%s) may still use what contract removes. Contract only in the retire step, with blueGreen.%s.replicas=0; otherwise set migrations.contract.run=false." $prefix $state.idle $idle.tag $state.idle) -}}
{{- end -}}
{{- /* Advisory only: `lookup` is empty without a cluster, and then this check is skipped. */ -}}
{{- if eq $state.step "promote" -}}
{{- $live := lookup "apps/v1" "Deployment" .Release.Namespace (include "myapp.nameWith" (dict "root" . "suffix" $state.active)) -}}
{{- if and $live (not ($live.status).readyReplicas) -}}
{{- fail (printf "%s: %s has no ready pods in the cluster; promoting would send traffic nowhere. Deploy it first (blueGreen.step=deploy) and wait until it is ready." $prefix $state.active) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- $sources := 0 -}}
{{- if $v.postgresql.enabled }}{{ $sources = add1 $sources }}{{ end -}}
{{- if $v.externalDatabase.url }}{{ $sources = add1 $sources }}{{ end -}}
{{- if $v.externalDatabase.existingSecret }}{{ $sources = add1 $sources }}{{ end -}}
{{- if gt $sources 1 -}}
{{- fail "myapp chart: choose one database: postgresql.enabled (in-chart, development), externalDatabase.url or externalDatabase.existingSecret." -}}
{{- end -}}
{{- if and (eq $sources 0) (not $v.embeddedDatabase) -}}
{{- fail "myapp chart: no database. Set externalDatabase.existingSecret (production), externalDatabase.url, postgresql.enabled=true (development), or embeddedDatabase=true (one pod with its own PGlite)." -}}
{{- end -}}
{{- if and (gt $sources 0) $v.embeddedDatabase -}}
{{- fail "myapp chart: embeddedDatabase=true and a PostgreSQL are both configured; choose one." -}}
{{- end -}}
{{- if and $v.embeddedDatabase (or $state.bluegreen $v.autoscaling.enabled (gt (int $active.replicas) 1)) -}}
{{- fail "myapp chart: the embedded database (embeddedDatabase=true) lives inside one pod; with more pods, autoscaling or blue-green each pod would have its own data. Use one replica in rolling mode, or a PostgreSQL." -}}
{{- end -}}

{{- if and $v.unleash.enabled (not $v.postgresql.enabled) -}}
{{- fail "myapp chart: the in-chart Unleash (unleash.enabled) keeps its data in the in-chart PostgreSQL: set postgresql.enabled=true, or use externalUnleash." -}}
{{- end -}}
{{- if and $v.unleash.enabled $v.externalUnleash.url -}}
{{- fail "myapp chart: unleash.enabled and externalUnleash.url are both set; choose one." -}}
{{- end -}}
{{- if and $v.externalUnleash.token $v.externalUnleash.existingSecret -}}
{{- fail "myapp chart: externalUnleash.token and externalUnleash.existingSecret are both set; choose one." -}}
{{- end -}}

{{- $reserved := list "PORT" "HOST" "DATABASE_URL" "DATA_DIR" "DRAIN_DELAY_MS" "SHUTDOWN_TIMEOUT_MS" "RELEASE" "DEPLOYMENT_COLOUR" "METRICS_PORT" "OTEL_SERVICE_NAME" "OTEL_EXPORTER_OTLP_ENDPOINT" "UNLEASH_URL" "UNLEASH_API_TOKEN" -}}
{{- range $name, $_ := $v.config -}}
{{- if has $name $reserved -}}
{{- fail (printf "myapp chart: config.%s is set by the chart itself (from shutdown.*, the colour, the database or the ports): remove it from config." $name) -}}
{{- end -}}
{{- end -}}
{{- $requestTimeoutMs := int (default "10000" (index $v.config "REQUEST_TIMEOUT_MS")) -}}
{{- if lt (mul (int $v.shutdown.finishSeconds) 1000) $requestTimeoutMs -}}
{{- fail (printf "myapp chart: shutdown.finishSeconds=%d is shorter than REQUEST_TIMEOUT_MS=%d: a request still running at shutdown would be cut off. Raise shutdown.finishSeconds to at least %d." (int $v.shutdown.finishSeconds) $requestTimeoutMs (div (add $requestTimeoutMs 999) 1000)) -}}
{{- end -}}

{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) -}}
{{- fail (printf "myapp chart: autoscaling.minReplicas (%d) is above autoscaling.maxReplicas (%d)." (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- if and $v.httpRoute.enabled (not $v.httpRoute.parentRefs) -}}
{{- fail "myapp chart: httpRoute.enabled needs httpRoute.parentRefs (the Gateway to attach to)." -}}
{{- end -}}
{{- end -}}

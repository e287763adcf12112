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
{{- $step := ternary $v.blueGreen.step "rolling" $bluegreen -}}
{{- /* Rolling: the image is image.tag, else the chart's appVersion. Blue-green: each colour's tag is
       its own state and never falls back, or the next chart version (a new appVersion) would move
       the live colour to a new image in the very step meant to leave it alone. */ -}}
{{- $rollingTag := (index $v.blueGreen $active).tag | default $v.image.tag | default $.Chart.AppVersion | toString -}}
{{- $activeTag := ternary ((index $v.blueGreen $active).tag | toString) $rollingTag $bluegreen -}}
{{- /* The canary step is a deploy step whose new colour also gets a share of real traffic. */ -}}
{{- $deployStep := or (eq $step "deploy") (eq $step "canary") -}}
bluegreen: {{ $bluegreen }}
step: {{ $step }}
deployStep: {{ $deployStep }}
canaryWeight: {{ ternary (int $v.blueGreen.canaryWeight) 0 (eq $step "canary") }}
active: {{ $active }}
idle: {{ $idle }}
{{- /* Migrations run only when an upgrade deploys something (rolling upgrades, the first install,
       the blue-green deploy step): never for promote, a rollback flip or retire, which must work
       while the database is part of the incident. */}}
deploying: {{ or (not $bluegreen) $deployStep .Release.IsInstall }}
colours:
{{- range $colour := list "blue" "green" }}
{{- $c := index $v.blueGreen $colour }}
{{- $replicas := int $v.replicaCount }}
{{- if not (kindIs "invalid" $c.replicas) }}{{ $replicas = int $c.replicas }}{{ end }}
{{- $pinned := ternary (toString $c.tag) $rollingTag $bluegreen }}
{{- if eq $colour $active }}{{ $pinned = $activeTag }}{{ end }}
{{- /* A scaled-down colour without a tag of its own still needs an image: the live one's. */}}
{{- $tag := $pinned | default $activeTag }}
{{- /* An autoscaled colour at 0 is not rendered at all: under server-side apply its HPA owns
       spec.replicas, and Helm applying `replicas: 0` would be a field conflict. */}}
{{- $rendered := or (eq $colour $active) (and $bluegreen (or (gt $replicas 0) (not $v.autoscaling.enabled))) }}
  {{ $colour }}:
    rendered: {{ $rendered }}
    replicas: {{ $replicas }}
    running: {{ and $rendered (gt $replicas 0) }}
    pinned: {{ $pinned | quote }}
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
{{- ternary $state.idle $state.active $state.deployStep -}}
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
{{- if not $v.image.repository -}}
{{- fail (printf "myapp chart: image.repository is empty, and no public image of myapp exists: build the image from the project's Dockerfile and give its name, e.g.\n  docker build -t myapp:%s .\n  kind load docker-image myapp:%s        # or: docker push <registry>/myapp:%s\n  helm install myapp ./chart --set image.repository=myapp --set image.tag=%s\n(chart/README.md, \"From an empty cluster\")." .Chart.AppVersion .Chart.AppVersion .Chart.AppVersion .Chart.AppVersion) -}}
{{- end -}}
{{- if $state.bluegreen -}}
{{- range $name := list $state.active $state.idle -}}
{{- $c := index $state.colours $name -}}
{{- if and $c.running (not $c.pinned) -}}
{{- fail (printf "%s: blue-green keeps each running colour's image in values, so that no later upgrade (a new chart version, a changed image.tag) moves it: set blueGreen.%s.tag to the tag %s runs (the rolling image was image.tag, else the chart's appVersion %s; NOTES prints it)." $prefix $name $name $.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- if $state.bluegreen -}}
{{- if and $state.deployStep (not $idle.running) -}}
{{- fail (printf "%s: the %s step runs the new version on the idle colour %s, which has 0 replicas: set blueGreen.%s.tag=<new version> and blueGreen.%s.replicas=<n> (or null for replicaCount)." $prefix $state.step $state.idle $state.idle $state.idle) -}}
{{- end -}}
{{- if eq $state.step "canary" -}}
{{- if not (or $v.httpRoute.enabled $v.ingress.enabled) -}}
{{- fail (printf "%s: a canary needs a router that weights traffic: httpRoute.enabled (Gateway API backendRefs weights) or ingress.enabled (ingress-nginx canary annotations). A plain Service spreads requests over its endpoints and cannot send a share to one colour; use blueGreen.step=deploy with helm test instead." $prefix) -}}
{{- end -}}
{{- if and $v.edge.enabled $v.httpRoute.enabled (not $v.ingress.enabled) -}}
{{- fail (printf "%s: with edge.enabled the HTTPRoute sends every request to the edge tier, which forwards to the active colour only: the canary would get no traffic (and the dashboard would show a weight no router applies). Weight through ingress-nginx (ingress.enabled, whose canary Ingress goes to the preview Service), or set edge.enabled=false for the canary." $prefix) -}}
{{- end -}}
{{- $weight := int $v.blueGreen.canaryWeight -}}
{{- if or (lt $weight 1) (gt $weight 99) -}}
{{- fail (printf "%s: blueGreen.canaryWeight=%d: the canary step sends 1 to 99 percent of traffic to %s (e.g. 5, then 25, then 50); 0 is the deploy step, 100 is promote." $prefix $weight $state.idle) -}}
{{- end -}}
{{- if gt (int $v.httpRoute.previewWeight) 0 -}}
{{- fail (printf "%s: httpRoute.previewWeight=%d and blueGreen.canaryWeight=%d would both weight traffic; the canary step uses canaryWeight alone: set httpRoute.previewWeight=0." $prefix (int $v.httpRoute.previewWeight) $weight) -}}
{{- end -}}
{{- end -}}
{{- if and $v.analysis.enabled (not $v.analysis.prometheusUrl) -}}
{{- fail "myapp chart: analysis.enabled needs analysis.prometheusUrl (Prometheus's HTTP API, e.g. http://prometheus-operated.monitoring:9090)." -}}
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
{{- if $live -}}
{{- $ready := int (default 0 ($live.status).readyReplicas) -}}
{{- $desired := int (default 1 ($live.spec).replicas) -}}
{{- if or (eq $ready 0) (lt $ready $desired) -}}
{{- fail (printf "%s: %s has %d of its %d pods ready in the cluster; promoting would send all traffic to a colour that is not at full size. Wait until it is (kubectl rollout status deployment/%s), then promote." $prefix $state.active $ready $desired $live.metadata.name) -}}
{{- end -}}
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

{{- $reserved := list "PORT" "HOST" "DATABASE_URL" "DATA_DIR" "DRAIN_DELAY_MS" "SHUTDOWN_TIMEOUT_MS" "RELEASE" "DEPLOYMENT_COLOUR" "METRICS_PORT" "OTEL_SERVICE_NAME" "OTEL_EXPORTER_OTLP_ENDPOINT" "UNLEASH_URL" "UNLEASH_API_TOKEN" "RATE_LIMITS" "RATE_LIMIT_WINDOW_MS" "TRUST_PROXY_HOPS" "REDIS_URL" -}}
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
{{- $redisSources := 0 -}}
{{- range (list $v.redis.enabled $v.externalRedis.url $v.externalRedis.existingSecret) }}{{ if . }}{{ $redisSources = add1 $redisSources }}{{ end }}{{ end -}}
{{- if gt $redisSources 1 -}}
{{- fail "myapp chart: choose one Redis: redis.enabled (in-chart, development), externalRedis.url or externalRedis.existingSecret." -}}
{{- end -}}
{{- if and $v.autoscaling.enabled (kindIs "invalid" $v.autoscaling.targetCPUUtilizationPercentage) (kindIs "invalid" $v.autoscaling.targetMemoryUtilizationPercentage) -}}
{{- fail "myapp chart: autoscaling.enabled with neither targetCPUUtilizationPercentage nor targetMemoryUtilizationPercentage: the HPA would silently aim at 80% CPU. Set a target (CPU is the one that follows load; see chart/README.md on memory)." -}}
{{- end -}}
{{- if and $state.bluegreen (eq $state.step "deploy") (gt (int $v.httpRoute.previewWeight) 0) -}}
{{- fail (printf "%s: httpRoute.previewWeight=%d would send real users to %s before it is tested and ready (during deploy the preview Service is the new colour). Set httpRoute.previewWeight=0 for the deploy step; weight traffic while promoting." $prefix (int $v.httpRoute.previewWeight) $state.idle) -}}
{{- end -}}
{{- if and $v.httpRoute.enabled (not $v.httpRoute.parentRefs) -}}
{{- fail "myapp chart: httpRoute.enabled needs httpRoute.parentRefs (the Gateway to attach to)." -}}
{{- end -}}
{{- end -}}

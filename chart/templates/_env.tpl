{{/*
Where the app's credentials come from. One helper per fact, so the Deployments, the hook Jobs and
the test pods agree.
*/}}

{{/* The in-chart PostgreSQL's URL (its password is restricted by the schema to URL-safe characters). */}}
{{- define "myapp.postgresql.url" -}}
{{- $pg := .Values.postgresql -}}
{{- printf "postgresql://%s:%s@%s:5432/%s" $pg.auth.username $pg.auth.password (include "myapp.postgresql.name" .) $pg.auth.database -}}
{{- end -}}

{{/* secretKeyRef of DATABASE_URL for the app pods, as YAML; empty with the embedded database. */}}
{{- define "myapp.databaseUrlRef" -}}
{{- $v := .Values -}}
{{- if $v.postgresql.enabled -}}
name: {{ include "myapp.postgresql.name" . }}
key: database-url
{{- else if $v.externalDatabase.existingSecret -}}
name: {{ $v.externalDatabase.existingSecret }}
key: {{ $v.externalDatabase.existingSecretKey }}
{{- else if $v.externalDatabase.url -}}
name: {{ include "myapp.fullname" . }}
key: DATABASE_URL
{{- end -}}
{{- end -}}

{{/* The same for hook Jobs, which may run before the release's own Secrets exist: an existing
     Secret is used as it is; a URL from values goes through the hook Secret `<fullname>-migrations`. */}}
{{- define "myapp.migrations.databaseUrlRef" -}}
{{- $v := .Values -}}
{{- if $v.externalDatabase.existingSecret -}}
name: {{ $v.externalDatabase.existingSecret }}
key: {{ $v.externalDatabase.existingSecretKey }}
{{- else if or $v.postgresql.enabled $v.externalDatabase.url -}}
name: {{ include "myapp.nameWith" (dict "root" . "suffix" "migrations") }}
key: DATABASE_URL
{{- end -}}
{{- end -}}

{{/* The DATABASE_URL value the hook Secret carries (only when it comes from values). */}}
{{- define "myapp.migrations.databaseUrl" -}}
{{- if .Values.postgresql.enabled -}}
{{- include "myapp.postgresql.url" . -}}
{{- else -}}
{{- .Values.externalDatabase.url -}}
{{- end -}}
{{- end -}}

{{/* secretKeyRef of the Unleash backend token, as YAML; empty when flags run offline. */}}
{{- define "myapp.unleashTokenRef" -}}
{{- $v := .Values -}}
{{- if $v.unleash.enabled -}}
name: {{ include "myapp.nameWith" (dict "root" . "suffix" "unleash") }}
key: backend-token
{{- else if $v.externalUnleash.existingSecret -}}
name: {{ $v.externalUnleash.existingSecret }}
key: {{ $v.externalUnleash.existingSecretKey }}
{{- else if $v.externalUnleash.token -}}
name: {{ include "myapp.fullname" . }}
key: UNLEASH_API_TOKEN
{{- end -}}
{{- end -}}

{{/* TRUST_PROXY_HOPS: the value, or one hop (the ingress controller or gateway) when outside
     traffic comes through the chart's Ingress or HTTPRoute, else none. */}}
{{- define "myapp.trustedProxyHops" -}}
{{- $hops := .Values.rateLimit.trustedProxyHops -}}
{{- if kindIs "invalid" $hops -}}
{{- ternary "1" "0" (or .Values.ingress.enabled .Values.httpRoute.enabled) -}}
{{- else -}}
{{- $hops | int | toString -}}
{{- end -}}
{{- end -}}

{{/* secretKeyRef of REDIS_URL, as YAML; empty when each pod counts rate limits itself. */}}
{{- define "myapp.redisUrlRef" -}}
{{- $v := .Values -}}
{{- if $v.redis.enabled -}}
name: {{ include "myapp.nameWith" (dict "root" . "suffix" "redis") }}
key: redis-url
{{- else if $v.externalRedis.existingSecret -}}
name: {{ $v.externalRedis.existingSecret }}
key: {{ $v.externalRedis.existingSecretKey }}
{{- else if $v.externalRedis.url -}}
name: {{ include "myapp.fullname" . }}
key: REDIS_URL
{{- end -}}
{{- end -}}

{{- define "myapp.unleashUrl" -}}
{{- if .Values.unleash.enabled -}}
{{- printf "http://%s:4242/api" (include "myapp.nameWith" (dict "root" . "suffix" "unleash")) -}}
{{- else -}}
{{- .Values.externalUnleash.url -}}
{{- end -}}
{{- end -}}

{{/* Does the chart own a Secret `<fullname>` for the app (credentials given as plain values)? */}}
{{- define "myapp.ownsSecret" -}}
{{- $v := .Values -}}
{{- if or (and $v.externalDatabase.url (not $v.externalDatabase.existingSecret)) $v.externalUnleash.token $v.externalRedis.url -}}true{{- end -}}
{{- end -}}

{{/* The data of that Secret (secret.yaml), also hashed into the pods' checksum annotation. */}}
{{- define "myapp.ownSecretData" -}}
{{- $v := .Values -}}
{{- if and $v.externalDatabase.url (not $v.externalDatabase.existingSecret) }}
DATABASE_URL: {{ $v.externalDatabase.url | b64enc | quote }}
{{- end }}
{{- if $v.externalUnleash.token }}
UNLEASH_API_TOKEN: {{ $v.externalUnleash.token | b64enc | quote }}
{{- end }}
{{- if $v.externalRedis.url }}
REDIS_URL: {{ $v.externalRedis.url | b64enc | quote }}
{{- end }}
{{- end -}}

{{/*
The app container's env: (dict "root" $ "colour" "blue"). Everything the chart derives, then
extraEnv; a name that appears twice fails the render (Helm 4's server-side apply rejects
duplicate list keys, and a silent override would break "one value drives shutdown").
*/}}
{{- define "myapp.appEnv" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $state := include "myapp.state" $root | fromYaml -}}
{{- $colour := index $state.colours .colour -}}
{{- $shutdown := include "myapp.shutdown" $root | fromYaml -}}
{{- $env := list -}}
{{- $env = append $env (dict "name" "PORT" "value" (toString $v.containerPort)) -}}
{{- if $v.metrics.enabled -}}
{{- $env = append $env (dict "name" "METRICS_PORT" "value" (toString $v.metrics.port)) -}}
{{- end -}}
{{- $env = append $env (dict "name" "DRAIN_DELAY_MS" "value" (toString $shutdown.drainDelayMs)) -}}
{{- $env = append $env (dict "name" "SHUTDOWN_TIMEOUT_MS" "value" (toString $shutdown.shutdownTimeoutMs)) -}}
{{- $env = append $env (dict "name" "RELEASE" "value" $colour.release) -}}
{{- $env = append $env (dict "name" "DEPLOYMENT_COLOUR" "value" .colour) -}}
{{- $database := include "myapp.databaseUrlRef" $root | fromYaml -}}
{{- if $database -}}
{{- $env = append $env (dict "name" "DATABASE_URL" "valueFrom" (dict "secretKeyRef" $database)) -}}
{{- else -}}
{{- $env = append $env (dict "name" "DATA_DIR" "value" "/data") -}}
{{- end -}}
{{- $unleashUrl := include "myapp.unleashUrl" $root -}}
{{- if $unleashUrl -}}
{{- $env = append $env (dict "name" "UNLEASH_URL" "value" $unleashUrl) -}}
{{- $token := include "myapp.unleashTokenRef" $root | fromYaml -}}
{{- if $token -}}
{{- $env = append $env (dict "name" "UNLEASH_API_TOKEN" "valueFrom" (dict "secretKeyRef" $token)) -}}
{{- end -}}
{{- end -}}
{{- with $v.rateLimit.limits -}}
{{- $env = append $env (dict "name" "RATE_LIMITS" "value" .) -}}
{{- end -}}
{{- $env = append $env (dict "name" "RATE_LIMIT_WINDOW_MS" "value" (toString (mul $v.rateLimit.windowSeconds 1000))) -}}
{{- $env = append $env (dict "name" "TRUST_PROXY_HOPS" "value" (include "myapp.trustedProxyHops" $root)) -}}
{{- $redis := include "myapp.redisUrlRef" $root | fromYaml -}}
{{- if $redis -}}
{{- $env = append $env (dict "name" "REDIS_URL" "valueFrom" (dict "secretKeyRef" $redis)) -}}
{{- end -}}
{{- $env = append $env (dict "name" "OTEL_SERVICE_NAME" "value" (include "myapp.name" $root)) -}}
{{- if $v.otel.endpoint -}}
{{- $env = append $env (dict "name" "OTEL_EXPORTER_OTLP_ENDPOINT" "value" $v.otel.endpoint) -}}
{{- end -}}
{{- $env = concat $env $v.extraEnv -}}
{{- /* `config` arrives through envFrom, which env would override without a word: check it too. */ -}}
{{- $configEnv := list -}}
{{- range $name, $_ := $v.config }}{{ $configEnv = append $configEnv (dict "name" $name) }}{{ end -}}
{{- include "myapp.uniqueEnv" (concat $configEnv $env) -}}
{{- toYaml $env -}}
{{- end -}}

{{/* A migration Job's env: its settings inline (hooks may run before the ConfigMap exists):
     (dict "root" $ "colour" "blue" "hook" true). A hook reads the URL through the hook Secret. */}}
{{- define "myapp.jobEnv" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $state := include "myapp.state" $root | fromYaml -}}
{{- $colour := index $state.colours .colour -}}
{{- $env := list -}}
{{- range $name, $value := $v.config -}}
{{- $env = append $env (dict "name" $name "value" (toString $value)) -}}
{{- end -}}
{{- $env = append $env (dict "name" "RELEASE" "value" $colour.release) -}}
{{- $ref := ternary (include "myapp.migrations.databaseUrlRef" $root) (include "myapp.databaseUrlRef" $root) (ne .hook false) -}}
{{- $env = append $env (dict "name" "DATABASE_URL" "valueFrom" (dict "secretKeyRef" ($ref | fromYaml))) -}}
{{- $env = concat $env $v.extraEnv -}}
{{- include "myapp.uniqueEnv" $env -}}
{{- toYaml $env -}}
{{- end -}}

{{- define "myapp.uniqueEnv" -}}
{{- $seen := dict -}}
{{- range . -}}
{{- if hasKey $seen .name -}}
{{- fail (printf "myapp chart: the environment variable %s is set twice (extraEnv repeats a name of config, a name the chart sets, or itself). Remove one: for shutdown timing change shutdown.*, for the database externalDatabase.*." .name) -}}
{{- end -}}
{{- $_ := set $seen .name true -}}
{{- end -}}
{{- end -}}

{{/* envFrom of app and Job containers. */}}
{{- define "myapp.envFrom" -}}
{{- $root := .root -}}
{{- $list := list -}}
{{- if and .withConfigMap $root.Values.config -}}
{{- $list = append $list (dict "configMapRef" (dict "name" (include "myapp.fullname" $root))) -}}
{{- end -}}
{{- if $root.Values.existingSecret -}}
{{- $list = append $list (dict "secretRef" (dict "name" $root.Values.existingSecret)) -}}
{{- end -}}
{{- $list = concat $list $root.Values.extraEnvFrom -}}
{{- if $list -}}
{{- toYaml $list -}}
{{- end -}}
{{- end -}}

{{/* What the app pods read from the chart's ConfigMap: `config`. */}}
{{- define "myapp.checksum.config" -}}
{{- .Values.config | toJson | sha256sum -}}
{{- end -}}

{{/* What the app pods read from the chart's Secrets: the credentials given as values (the app's
     own Secret, the in-chart PostgreSQL's URL, the in-chart Unleash's backend token, Redis). */}}
{{- define "myapp.checksum.secret" -}}
{{- $v := .Values -}}
{{- $data := dict "database" (include "myapp.databaseUrlRef" .) "unleash" (include "myapp.unleashTokenRef" .) "redis" (include "myapp.redisUrlRef" .) -}}
{{- if include "myapp.ownsSecret" . }}{{ $_ := set $data "own" (include "myapp.ownSecretData" .) }}{{ end -}}
{{- if $v.postgresql.enabled }}{{ $_ := set $data "postgresql" (include "myapp.postgresql.url" .) }}{{ end -}}
{{- if $v.unleash.enabled }}{{ $_ := set $data "unleashToken" $v.unleash.backendToken }}{{ end -}}
{{- $data | toJson | sha256sum -}}
{{- end -}}

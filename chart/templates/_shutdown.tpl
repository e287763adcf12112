{{/*
Shutdown timing from one value, `shutdown.drainSeconds` (D):

  pod deleted ─ preStop sleep D ─ SIGTERM ─ app drains D (readiness 503, Connection: close)
              ─ closes the server, in-flight requests get `finishSeconds` ─ exits
  terminationGracePeriodSeconds = D (preStop) + D (drain) + finish + margin

The kubelet counts the grace period from the deletion, preStop included, and sends SIGKILL at
its end; the app counts SHUTDOWN_TIMEOUT_MS from SIGTERM. So the grace period always covers
preStop + SHUTDOWN_TIMEOUT_MS + margin, by construction.
*/}}
{{- define "myapp.shutdown" -}}
{{- $s := .Values.shutdown -}}
{{- $drain := int $s.drainSeconds -}}
{{- $finish := int $s.finishSeconds -}}
preStopSeconds: {{ $drain }}
drainDelayMs: {{ mul $drain 1000 }}
shutdownTimeoutMs: {{ mul (add $drain $finish) 1000 }}
terminationGracePeriodSeconds: {{ add $drain $drain $finish (int $s.marginSeconds) }}
{{- end -}}

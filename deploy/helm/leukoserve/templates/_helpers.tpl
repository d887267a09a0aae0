{{/* The release's base name (63 characters at most: a DNS label). */}}
{{- define "leukoserve.fullname" -}}
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

{{/* What selects every leukoserve pod of the release (the Service's selector: both pools). */}}
{{- define "leukoserve.selectorLabels" -}}
app.kubernetes.io/name: {{ default .Chart.Name .Values.nameOverride }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "leukoserve.labels" -}}
{{ include "leukoserve.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The resource a pod requests for its stick: the device plugin's domain/name, stated once. */}}
{{- define "leukoserve.stickResource" -}}
{{ .Values.devicePlugin.resourceDomain }}/{{ .Values.devicePlugin.resourceName }}
{{- end -}}

{{/* The API keys' Secret: yours, or the one the chart makes from auth.apiKeys. */}}
{{- define "leukoserve.apiKeysSecret" -}}
{{ default (printf "%s-api-keys" (include "leukoserve.fullname" .)) .Values.auth.existingSecret }}
{{- end -}}

{{- define "leukoserve.cacheClaim" -}}
{{ default (printf "%s-cache" (include "leukoserve.fullname" .)) .Values.cache.pvc.existingClaim }}
{{- end -}}

{{/* The query both pools scale on: every pod's queue, whichever pool it is in. */}}
{{- define "leukoserve.queueQuery" -}}
{{- if .Values.autoscaling.keda.query -}}
{{ .Values.autoscaling.keda.query }}
{{- else -}}
sum(leukoserve_queue_depth{namespace="{{ .Release.Namespace }}",service="{{ include "leukoserve.fullname" . }}"})
{{- end -}}
{{- end -}}

{{/* The enabled pools as a list of {name, pool} (sorted by name), after the checks every pool must pass. */}}
{{- define "leukoserve.pools" -}}
{{- $pools := list -}}
{{- $woken := false -}}
{{- range $name, $pool := .Values.pools -}}
{{- if $pool.enabled -}}
{{- if ge (int $pool.autoscaling.minReplicas) 1 -}}{{- $woken = true -}}{{- end -}}
{{- $pools = append $pools (dict "name" $name "pool" $pool) -}}
{{- end -}}
{{- end -}}
{{- if not $pools -}}
{{- fail "no pool enabled: set pools.stick.enabled or pools.cpu.enabled" -}}
{{- end -}}
{{- if and (ne .Values.autoscaling.mode "none") (not $woken) -}}
{{- fail "autoscaling: at least one enabled pool needs autoscaling.minReplicas >= 1 (a pool at 0 replicas exports no queue depth to scale on)" -}}
{{- end -}}
{{- toJson $pools -}}
{{- end -}}

{{/* The chart's name, shortened to Kubernetes' 63 characters. */}}
{{- define "breakglass.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: "<release>-breakglass", or the release name when it already holds the chart's. */}}
{{- define "breakglass.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "breakglass.selectorLabels" -}}
app.kubernetes.io/name: {{ include "breakglass.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "breakglass.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "breakglass.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "breakglass.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "breakglass.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret whose keys become the bot's environment: the user's existingSecret or the chart's own. */}}
{{- define "breakglass.secretName" -}}
{{- default (include "breakglass.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* "true" when the bot's database is outside the pod (any URL but the embedded H2), else empty. */}}
{{- define "breakglass.externalDatabase" -}}
{{- $url := .Values.database.url | default "" | trim }}
{{- if and $url (not (hasPrefix "jdbc:h2:" $url)) }}true{{ end }}
{{- end }}

{{/*
The Secret keys the pods cannot start without, as a JSON list. They are wired as secretKeyRef with
optional: false, so Kubernetes holds a pod in CreateContainerConfigError naming the missing key — for the chart's
Secret (which leaves empty values out) and for an existingSecret alike, whose content Helm cannot see.
  - SLACK_BOT_TOKEN with more than one replica: without it each pod is a sandbox with its own private emulator.
  - BREAKGLASS_ENCRYPTION_KEY, BREAKGLASS_AUDIT_KEY and BREAKGLASS_DB_PASSWORD with an external database: the
    sealed credentials and the keyed audit log outlive the pod, so their keys must not be key files in the pod's
    data folder (and every replica needs the same ones).
  - BREAKGLASS_METRICS_TOKEN with the ServiceMonitor: without it /metrics answers only the pod itself.
*/}}
{{- define "breakglass.requiredSecretKeys" -}}
{{- $keys := list }}
{{- if gt (int .Values.replicaCount) 1 }}
{{- $keys = append $keys "SLACK_BOT_TOKEN" }}
{{- end }}
{{- if include "breakglass.externalDatabase" . }}
{{- $keys = append $keys "BREAKGLASS_ENCRYPTION_KEY" }}
{{- $keys = append $keys "BREAKGLASS_AUDIT_KEY" }}
{{- $keys = append $keys "BREAKGLASS_DB_PASSWORD" }}
{{- end }}
{{- if .Values.serviceMonitor.enabled }}
{{- $keys = append $keys "BREAKGLASS_METRICS_TOKEN" }}
{{- end }}
{{- toJson $keys }}
{{- end }}

{{/* The required keys the chart's own Secret does not have (empty values): listed by NOTES.txt. */}}
{{- define "breakglass.missingSecretKeys" -}}
{{- $missing := list }}
{{- if not .Values.existingSecret }}
{{- range $key := include "breakglass.requiredSecretKeys" . | fromJsonArray }}
{{- if not (get $.Values.secrets $key) }}
{{- $missing = append $missing $key }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $missing }}
{{- end }}

{{/* Settings that cannot work, refused before anything reaches the cluster. */}}
{{- define "breakglass.validate" -}}
{{- $replicas := int .Values.replicaCount }}
{{- if lt $replicas 1 }}
{{- fail (printf "breakglass: replicaCount is %d; it must be 1 or more." $replicas) }}
{{- end }}
{{- if and (gt $replicas 1) (not (include "breakglass.externalDatabase" .)) }}
{{- fail (printf "breakglass: replicaCount is %d but there is no external database. Every replica must share one PostgreSQL (the embedded H2 database lives inside a single pod): set database.url (jdbc:postgresql://host:5432/breakglass), database.user and the BREAKGLASS_DB_PASSWORD secret, or set replicaCount to 1." $replicas) }}
{{- end }}
{{- if and (include "breakglass.externalDatabase" .) (not (hasPrefix "jdbc:postgresql:" (trim .Values.database.url))) }}
{{- fail (printf "breakglass: database.url %q is neither PostgreSQL (jdbc:postgresql:…) nor the embedded H2 database (empty); the bot stores its data in PostgreSQL or H2 only." .Values.database.url) }}
{{- end }}
{{- if not (trim (.Values.policy | default "")) }}
{{- fail "breakglass: policy is empty. Set policy to the content of your breakglass.yml (docs/policy.md)." }}
{{- end }}
{{- range $key, $value := .Values.secrets }}
{{- if not (regexMatch "^[A-Za-z_][A-Za-z0-9_]*$" $key) }}
{{- fail (printf "breakglass: secrets.%s is not an environment variable name (letters, digits and _, not starting with a digit)." $key) }}
{{- end }}
{{- end }}
{{- end }}

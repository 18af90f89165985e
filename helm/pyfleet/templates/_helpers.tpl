{{- define "pyfleet.labels" -}}
app.kubernetes.io/part-of: pyfleet
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "pyfleet.podSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}

{{- /* Pod labels: the selector labels plus .extra (the value named .field), which may not replace them. */ -}}
{{- define "pyfleet.podLabels" -}}
{{- $extra := .extra | default dict -}}
{{- $selector := dict "app.kubernetes.io/name" .name "app.kubernetes.io/instance" .release -}}
{{- range $key, $_ := $selector }}
{{- if hasKey $extra $key }}
{{- fail (printf "%s cannot set %s: the Deployment selects its Pods by that label" $.field $key) }}
{{- end }}
{{- end }}
{{- toYaml (merge $selector $extra) -}}
{{- end }}

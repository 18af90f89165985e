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

{{- /* The operator's image: pinned by digest when one is given, else by tag. */ -}}
{{- define "pyfleet.operatorImage" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
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

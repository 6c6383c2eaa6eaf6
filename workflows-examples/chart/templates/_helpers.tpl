{{/* Object names: the release name unless fullnameOverride is set (DNS label, 63 chars). */}}
{{- define "mlops-model.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mlops-model.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mlops-model.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "mlops-model.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The model's identity, on every object so `kubectl get -o yaml` says what is served. */}}
{{- define "mlops-model.modelAnnotations" -}}
mlops-gha.dev/model-name: {{ .Values.model.name | quote }}
mlops-gha.dev/model-version: {{ .Values.model.version | toString | quote }}
{{- end -}}

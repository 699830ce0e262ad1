{{- define "continuum.labels" -}}
app.kubernetes.io/part-of: continuum
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "continuum.image" -}}
{{ .root.Values.image.repository }}-{{ .name }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end }}

{{/* Environment every service reads (see the README's configuration tables). */}}
{{- define "continuum.commonEnv" -}}
- name: KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: KAFKA_REPLICATION_FACTOR
  value: {{ .Values.kafka.replicationFactor | quote }}
- name: KAFKA_PROVISION_TOPICS
  value: {{ .Values.kafka.provisionTopics | quote }}
- name: KAFKA_SSL
  value: {{ .Values.kafka.ssl | quote }}
{{- if .Values.kafka.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .Values.kafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom: { secretKeyRef: { name: {{ .Values.kafka.sasl.existingSecret }}, key: username } }
- name: KAFKA_SASL_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ .Values.kafka.sasl.existingSecret }}, key: password } }
{{- end }}
- name: SCHEMA_REGISTRY_URL
  value: {{ .Values.schemaRegistry.url | quote }}
{{- if .Values.schemaRegistry.existingSecret }}
- name: SCHEMA_REGISTRY_USERNAME
  valueFrom: { secretKeyRef: { name: {{ .Values.schemaRegistry.existingSecret }}, key: username } }
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ .Values.schemaRegistry.existingSecret }}, key: password } }
{{- end }}
- name: HTTP_HOST
  value: 0.0.0.0
- name: HTTP_PORT
  value: '9464'
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- end }}

{{- define "continuum.probes" -}}
ports:
  - name: http
    containerPort: 9464
livenessProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 10
readinessProbe:
  httpGet: { path: /health/ready, port: http }
  periodSeconds: 5
  failureThreshold: 3
{{- end }}

{{- define "continuum.podAnnotations" -}}
{{- if .Values.prometheusAnnotations }}
prometheus.io/scrape: 'true'
prometheus.io/port: '9464'
prometheus.io/path: /metrics
{{- end }}
{{- end }}

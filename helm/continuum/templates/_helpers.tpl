{{- define "continuum.labels" -}}
app.kubernetes.io/part-of: continuum
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{/* Selector labels of one service: (dict "root" $ "name" "monitor"). */}}
{{- define "continuum.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "continuum.image" -}}
{{ .root.Values.image.repository }}-{{ .name }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end }}

{{- define "continuum.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ .Values.serviceAccount.name | default (printf "%s-continuum" .Release.Name) }}
{{- else -}}
{{ .Values.serviceAccount.name | default "default" }}
{{- end -}}
{{- end }}

{{/* Environment every service reads (see the README's configuration tables). */}}
{{- define "continuum.commonEnv" -}}
- name: KAFKA_BROKERS
  value: {{ required "kafka.brokers is required: the bootstrap brokers, host:port[,host:port]" .Values.kafka.brokers | quote }}
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
  valueFrom: { secretKeyRef: { name: {{ required "kafka.sasl.existingSecret is required when kafka.sasl.mechanism is set" .Values.kafka.sasl.existingSecret }}, key: username } }
- name: KAFKA_SASL_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ .Values.kafka.sasl.existingSecret }}, key: password } }
{{- end }}
- name: SCHEMA_REGISTRY_URL
  value: {{ required "schemaRegistry.url is required: the Confluent-compatible API, e.g. http://apicurio:8080/apis/ccompat/v7" .Values.schemaRegistry.url | quote }}
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

{{/* A service's own env map: (dict "env" $svc.env). */}}
{{- define "continuum.extraEnv" -}}
{{- range $k, $v := .env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end }}

{{/* Artifact store settings (libs/artifact-store) of the trainer, registry, scorer and promoter. */}}
{{- define "continuum.artifactStoreEnv" -}}
{{- $a := .Values.artifactStore }}
- name: ARTIFACT_STORE_URL
  value: {{ required "artifactStore.url is required: s3://bucket/prefix, or file:///var/lib/continuum/artifacts with artifactStore.existingClaim" $a.url | quote }}
{{- if and (hasPrefix "file://" $a.url) (not $a.existingClaim) }}
{{- fail "artifactStore.url is file://: set artifactStore.existingClaim to a ReadWriteMany PersistentVolumeClaim every pod can mount (or use s3://)" }}
{{- end }}
{{- if $a.s3.endpoint }}
- name: S3_ENDPOINT
  value: {{ $a.s3.endpoint | quote }}
{{- end }}
{{- if $a.s3.region }}
- name: S3_REGION
  value: {{ $a.s3.region | quote }}
{{- end }}
{{- if ne (toString $a.s3.forcePathStyle) "" }}
- name: S3_FORCE_PATH_STYLE
  value: {{ $a.s3.forcePathStyle | quote }}
{{- end }}
{{- if $a.s3.existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom: { secretKeyRef: { name: {{ $a.s3.existingSecret }}, key: AWS_ACCESS_KEY_ID } }
- name: AWS_SECRET_ACCESS_KEY
  valueFrom: { secretKeyRef: { name: {{ $a.s3.existingSecret }}, key: AWS_SECRET_ACCESS_KEY } }
{{- end }}
{{- end }}

{{/* Where the trainer and the promoter find the registry's REST API, and its token. */}}
{{- define "continuum.registryClientEnv" -}}
- name: REGISTRY_URL
  value: {{ .Values.registryUrl | default (printf "http://%s-registry:9468" .Release.Name) | quote }}
- name: REGISTRY_API_TOKEN
  valueFrom: { secretKeyRef: { name: {{ include "continuum.registryTokenSecret" . }}, key: token } }
{{- end }}

{{- define "continuum.registryTokenSecret" -}}
{{ required "services.registry.apiTokenSecret is required: a Secret with key token (16+ characters), the bearer token of the registry's POST/PUT calls (the trainer and the promoter send it)" .Values.services.registry.apiTokenSecret }}
{{- end }}

{{/* Artifact volume mount when the store is file://: (dict "root" $ "readOnly" true). */}}
{{- define "continuum.artifactMount" -}}
{{- if .root.Values.artifactStore.existingClaim }}
- name: artifacts
  mountPath: {{ .root.Values.artifactStore.mountPath }}
  readOnly: {{ .readOnly }}
{{- end }}
{{- end }}

{{- define "continuum.artifactVolume" -}}
{{- if .Values.artifactStore.existingClaim }}
- name: artifacts
  persistentVolumeClaim: { claimName: {{ .Values.artifactStore.existingClaim }} }
{{- end }}
{{- end }}

{{- define "continuum.probes" -}}
ports:
  - name: http
    containerPort: 9464
# /health/live answers before the service connects to Kafka and the schema registry; the
# startup probe gives it time to load, the readiness probe holds traffic until it is ready.
startupProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 5
  failureThreshold: {{ .Values.probes.startupFailureThreshold }}
livenessProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /health/ready, port: http }
  periodSeconds: 5
  failureThreshold: 3
{{- end }}

{{/* Container security context and the writable /tmp that a read-only root file system needs. */}}
{{- define "continuum.containerSecurity" -}}
securityContext: {{- toYaml .Values.securityContext | nindent 2 }}
{{- end }}

{{- define "continuum.tmpMount" -}}
- { name: tmp, mountPath: /tmp }
{{- end }}

{{- define "continuum.tmpVolume" -}}
- name: tmp
  emptyDir: { sizeLimit: {{ .Values.tmpSizeLimit }} }
{{- end }}

{{/* Pod-level settings shared by every service: (dict "root" $ "svc" $svc). */}}
{{- define "continuum.podSpec" -}}
{{- $root := .root }}
serviceAccountName: {{ include "continuum.serviceAccountName" $root }}
automountServiceAccountToken: {{ $root.Values.serviceAccount.automountToken }}
securityContext: {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.svc.nodeSelector | default $root.Values.nodeSelector) }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.svc.tolerations | default $root.Values.tolerations) }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.svc.affinity | default $root.Values.affinity) }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "continuum.podAnnotations" -}}
{{- if .Values.prometheusAnnotations }}
prometheus.io/scrape: 'true'
prometheus.io/port: '9464'
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* The Service in front of one service's pods: (dict "root" $ "name" "registry" "port" 9468). */}}
{{- define "continuum.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .root.Release.Name }}-{{ .name }}
  labels: {{- include "continuum.labels" .root | nindent 4 }}
    app.kubernetes.io/name: {{ .name }}
spec:
  selector: {{- include "continuum.selectorLabels" . | nindent 4 }}
  ports:
    - { name: http, port: {{ .port }}, targetPort: http }
{{- end }}

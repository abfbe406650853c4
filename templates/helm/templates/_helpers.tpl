{{/*
Helpers of every template. A workload's templates pass the context (dict "root" $ "w" <workload>), where
<workload> is an entry of .Values.workloads; namespace-wide objects pass (dict "root" $).
*/}}

{{/* The labels that say what an object is: the workload's name and component, or the chart's name for namespace-wide objects. */}}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ if .w }}{{ .w.name }}{{ else }}{{ .root.Chart.Name }}{{ end }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
{{- with .w }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
team: {{ .root.Values.team | quote }}
{{- end }}

{{/* Object labels: the above, plus who manages it and which chart and version wrote it (never on pods or selectors, which must not change with the chart). */}}
{{- define "app.metadataLabels" -}}
{{ include "app.labels" . }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{- end }}

{{/* The labels that select a workload's pods: only what never changes for the life of the workload. */}}
{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ .w.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* metadata of an object: its name (the workload's unless "name" is given), namespace and labels. */}}
{{- define "app.metadata" -}}
name: {{ if .name }}{{ .name }}{{ else }}{{ .w.name }}{{ end }}
namespace: {{ .root.Release.Namespace }}
labels:
  {{- include "app.metadataLabels" . | nindent 2 }}
{{- end }}

{{/*
An image by repository and tag, pinned to the digest the pipeline built when it set one
(--set-string images.<key>.digest=sha256:...). The tag defaults to the chart's appVersion: never latest.
*/}}
{{- define "app.image" -}}
{{- $image := required (printf "images.%s is not set" .key) (get .root.Values.images .key) -}}
{{- $reference := printf "%s:%s" $image.repository ($image.tag | default .root.Chart.AppVersion) -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $reference $image.digest -}}
{{- else -}}
{{- $reference -}}
{{- end -}}
{{- end }}

{{/* A workload with a Service rolls out with Argo Rollouts under blue-green and canary; the others are Deployments. */}}
{{- define "app.isRollout" -}}
{{- if and (ne .root.Values.strategy "rolling") .w.port -}}true{{- end -}}
{{- end }}

{{/* The pod's security context: a fixed non-root user and group (the image's), and the runtime's default seccomp profile. */}}
{{- define "app.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid }}
fsGroup: {{ .gid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The container's: no privilege escalation, no capabilities, a read-only root filesystem (writable folders are emptyDir volumes). */}}
{{- define "app.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid }}
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* What a probe checks: the health route over HTTP, or that the port accepts connections. */}}
{{- define "app.probeCheck" -}}
{{- if eq .health.kind "http" -}}
httpGet:
  path: {{ .health.path | quote }}
  port: http
{{- else -}}
tcpSocket:
  port: http
{{- end -}}
{{- end }}

{{/* The arguments of the <chart>-health analysis for one workload; "target" is the Service the check calls. */}}
{{- define "app.analysisArgs" -}}
- name: service
  value: {{ .w.name }}
- name: target
  value: {{ .target }}
- name: namespace
  value: {{ .root.Release.Namespace }}
- name: port
  value: {{ .w.port | quote }}
- name: path
  value: {{ .w.health.path | default "/" | quote }}
{{- end }}

{{/*
The pod template of a workload, shared by its Deployment or Rollout. The replicas are the
HorizontalPodAutoscaler's; values-<environment>.yaml sizes the container.
*/}}
{{- define "app.podTemplate" -}}
{{- $w := .w -}}
{{- $sizing := required (printf "sizing.%s is not set: install with --values values-<environment>.yaml" $w.name) (get (.root.Values.sizing | default dict) $w.name) -}}
{{- $meta := get (.root.Values.podMetadata | default dict) $w.name | default dict -}}
{{- $annotations := $meta.annotations | default dict -}}
{{- if $w.config -}}
{{- /* A changed setting rolls the pods: the ConfigMap keeps its name, so its content is in the pod template. */ -}}
{{- $annotations = merge (dict "checksum/config" (toJson $w.config | sha256sum)) $annotations -}}
{{- end -}}
metadata:
  labels:
    {{- include "app.labels" . | nindent 4 }}
    {{- with $meta.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ $w.name }}
  automountServiceAccountToken: false
  # Longer than the preStop pause and the application's own shutdown together.
  terminationGracePeriodSeconds: 40
  securityContext:
    {{- include "app.podSecurityContext" $w.user | nindent 4 }}
  # Spread over zones, then nodes, so one failure takes only some of the replicas.
  topologySpreadConstraints:
    {{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
    - maxSkew: 1
      topologyKey: {{ . }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "app.selectorLabels" $ | nindent 10 }}
    {{- end }}
  containers:
    - name: {{ $w.name }}
      image: {{ include "app.image" (dict "root" .root "key" $w.image) | quote }}
      imagePullPolicy: IfNotPresent
      {{- with $w.command }}
      command:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $w.port }}
      ports:
        - name: http
          containerPort: {{ $w.port }}
          protocol: TCP
      {{- end }}
      {{- with $w.env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if or $w.config $w.secretKeys }}
      envFrom:
        {{- if $w.config }}
        - configMapRef:
            name: {{ $w.name }}
        {{- end }}
        {{- if $w.secretKeys }}
        - secretRef:
            name: {{ $w.name }}
        {{- end }}
      {{- end }}
      resources:
        {{- toYaml $sizing.resources | nindent 8 }}
      {{- if ne $w.health.kind "none" }}
      {{- $check := include "app.probeCheck" $w }}
      # Startup allows 150 s for a slow start before liveness counts; readiness takes a pod out of the
      # Service while it fails; liveness restarts a pod that stopped answering.
      startupProbe:
        {{- $check | nindent 8 }}
        periodSeconds: 5
        timeoutSeconds: 3
        failureThreshold: 30
      readinessProbe:
        {{- $check | nindent 8 }}
        periodSeconds: 10
        timeoutSeconds: 3
        failureThreshold: 3
      livenessProbe:
        {{- $check | nindent 8 }}
        periodSeconds: 20
        timeoutSeconds: 3
        failureThreshold: 3
      {{- end }}
      {{- if $w.port }}
      # Keeps serving while the endpoints and the ingress controller drop the pod, then stops.
      lifecycle:
        preStop:
          sleep:
            seconds: 10
      {{- end }}
      securityContext:
        {{- include "app.containerSecurityContext" $w.user | nindent 8 }}
      {{- with $w.volumes }}
      volumeMounts:
        {{- range . }}
        - name: {{ .name }}
          mountPath: {{ .mountPath | quote }}
        {{- end }}
      {{- end }}
  {{- with $w.volumes }}
  volumes:
    {{- range . }}
    - name: {{ .name }}
      emptyDir:
        sizeLimit: 1Gi
    {{- end }}
  {{- end }}
{{- end }}

{{/* Labels of the pods that check workloads from outside (helm test, analysis Jobs): the network policies admit component health-check. */}}
{{- define "app.healthCheckLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
app.kubernetes.io/component: health-check
team: {{ .root.Values.team | quote }}
{{- end }}

{{/* The curl container of a health check; "args" are curl's arguments. */}}
{{- define "app.curlContainer" -}}
- name: curl
  image: {{ printf "%s:%s" .root.Values.healthCheck.image.repository .root.Values.healthCheck.image.tag | quote }}
  imagePullPolicy: IfNotPresent
  command:
    - curl
  args:
    {{- toYaml .args | nindent 4 }}
  resources:
    {{- toYaml .root.Values.healthCheck.resources | nindent 4 }}
  securityContext:
    {{- include "app.containerSecurityContext" .root.Values.healthCheck.user | nindent 4 }}
{{- end }}

{{/* Labels of a workload's migration Job and the objects it needs: a component of its own, never selected by the workload's Service or policies. */}}
{{- define "app.migrationLabels" -}}
app.kubernetes.io/name: {{ .w.name }}-migrate
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
app.kubernetes.io/component: migration
team: {{ .root.Values.team | quote }}
{{- end }}

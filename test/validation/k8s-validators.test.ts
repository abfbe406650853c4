/**
 * The Kubernetes and Helm validators, ready for the area that will write manifests, charts and overlays: each
 * passes a small hardened sample and fails each kind of broken input, including its tool missing or printing
 * something it does not print. They are not in the matrix registry (validators/index.ts) yet: no generated
 * file matches them, and a validator that matches nothing fails the matrix.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir, writeTree } from '../helpers/folders.js';
import { validatorsHome, withExported } from '../helpers/tools.js';
import { checkHelmChart } from './validators/helm.js';
import { checkManifests, k8sSchemasDir, kubeconform, kubeconformFindings, plainManifestPath } from './validators/kubeconform.js';
import { kustomizeBuild, kustomizeVersion } from './validators/kustomize.js';
import { trivyConfig, trivyFindings, trivyKubernetes } from './validators/trivy-config.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels:
    app.kubernetes.io/name: api
spec:
  replicas: 2
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: api
          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.4.2
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            capabilities:
              drop: [ALL]
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 1
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /health
              port: http
            initialDelaySeconds: 10
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector:
    app.kubernetes.io/name: api
  ports:
    - name: http
      port: 80
      targetPort: http
`;

/** One object of each custom resource kind the Kubernetes area may write. */
const customResources = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  workloadRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: {duration: 60s}
        - analysis:
            templates:
              - templateName: success-rate
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
  namespace: shop
spec:
  metrics:
    - name: success-rate
      interval: 1m
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{job="api",code!~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: vault
  namespace: shop
spec:
  provider:
    vault:
      server: https://vault.example.com
      path: secret
      version: v2
      auth:
        kubernetes:
          mountPath: kubernetes
          role: shop
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: aws
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: api
  namespace: shop
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: SecretStore
    name: vault
  target:
    name: api-secrets
  data:
    - secretKey: DATABASE_URL
      remoteRef:
        key: shop/api
        property: database_url
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: ops@example.com
    privateKeySecretRef:
      name: letsencrypt-account
    solvers:
      - http01:
          ingress:
            ingressClassName: nginx
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: api
  namespace: shop
spec:
  secretName: api-tls
  dnsNames: [api.example.com]
  issuerRef:
    kind: ClusterIssuer
    name: letsencrypt
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  endpoints:
    - port: http
      path: /metrics
      interval: 30s
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  podMetricsEndpoints:
    - port: http
      path: /metrics
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: api
  namespace: shop
spec:
  groups:
    - name: api
      rules:
        - alert: ApiDown
          expr: up{job="api"} == 0
          for: 5m
          labels:
            severity: critical
          annotations:
            summary: The API is down
`;

const chart = {
  'Chart.yaml': 'apiVersion: v2\nname: api\ndescription: The shop API\ntype: application\nversion: 0.1.0\nappVersion: "1.4.2"\nicon: https://example.com/icon.png\nkubeVersion: ">=1.30.0-0"\n',
  'values.yaml': 'replicaCount: 1\nimage:\n  repository: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api\n  tag: "1.4.2"\nresources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: {cpu: 500m, memory: 256Mi}\n',
  'values-production.yaml': 'replicaCount: 3\nresources:\n  requests: {cpu: 250m, memory: 256Mi}\n  limits: {cpu: "1", memory: 512Mi}\n',
  'values.schema.json': JSON.stringify(
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      required: ['replicaCount', 'image', 'resources'],
      properties: {
        replicaCount: { type: 'integer', minimum: 1 },
        image: {
          type: 'object',
          additionalProperties: false,
          required: ['repository', 'tag'],
          properties: { repository: { type: 'string', minLength: 1 }, tag: { type: 'string', minLength: 1 } },
        },
        resources: { type: 'object' },
      },
    },
    null,
    2,
  ),
  'templates/_helpers.tpl': '{{- define "api.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\napp.kubernetes.io/instance: {{ .Release.Name }}\n{{- end }}\n',
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "api.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "api.labels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "api.labels" . | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: api
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - name: http
              containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            capabilities:
              drop: [ALL]
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /health
              port: http
`,
  'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "api.labels" . | nindent 4 }}
spec:
  selector:
    {{- include "api.labels" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
`,
};

const kustomizeTree = {
  'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\nlabels:\n  - pairs:\n      app.kubernetes.io/part-of: shop\n',
  'base/deployment.yaml': deployment,
  'base/service.yaml': service,
  'overlays/production/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources:\n  - ../../base\nimages:\n  - name: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api\n    newTag: 1.5.0\npatches:\n  - path: replicas.yaml\n',
  'overlays/production/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 4\n',
};

const write = (files: Record<string, string>) => writeTree(tempDir(), files);
const manifest = (contents: string, name = 'k8s/manifest.yaml') => path.join(write({ [name]: contents }), name);
const expectProblems = (problems: string[], pattern: RegExp) => {
  assert.notDeepEqual(problems, [], `expected a problem matching ${pattern}, got none`);
  assert.match(problems.join('\n'), pattern);
};

/** A validators home with the real schemas but no binaries, and a PATH that has none either. */
const withoutBinaries = <T>(body: () => T): T => {
  const home = tempDir();
  mkdirSync(path.join(home, 'bin'));
  symlinkSync(k8sSchemasDir(), path.join(home, 'k8s-schemas'));
  return withExported('PHASE4_VALIDATORS_HOME', home, () => withExported('PATH', path.join(home, 'bin'), body));
};

describe('kubeconform (strict schemas from disk)', () => {
  test('the schemas were generated from the pinned modules', () => {
    const versions = readFileSync(path.join(k8sSchemasDir(), 'VERSIONS'), 'utf8');
    assert.match(versions, /^kubernetes k8s\.io\/kubernetes@v1\.37\./m);
    for (const module of ['argo-rollouts', 'external-secrets', 'cert-manager', 'prometheus-operator']) assert.match(versions, new RegExp(`^crd \\S+${module}@v`, 'm'));
  });

  test('passes a hardened Deployment, a Service and one object of each custom resource kind', { timeout: 60_000 }, () => {
    assert.deepEqual(checkManifests([manifest(deployment), manifest(`${service}---\n${customResources}`, 'k8s/more.yaml')]), []);
  });

  test('fails an unknown field, in the spec and in metadata', { timeout: 60_000 }, () => {
    expectProblems(checkManifests([manifest(deployment.replace('  selector:', '  selectr:'))]), /additional properties 'selectr' not allowed/);
    expectProblems(checkManifests([manifest(deployment.replace('  labels:', '  labelz:'))]), /labelz/);
  });

  test('fails a wrong type, a missing required field, a duplicate key, a wrong apiVersion and an unknown kind', { timeout: 60_000 }, () => {
    expectProblems(checkManifests([manifest(deployment.replace('replicas: 2', 'replicas: two'))]), /\/spec\/replicas.*(integer|got string)/);
    expectProblems(checkManifests([manifest(deployment.replace('        - name: api\n', '        - workingDir: /app\n'))]), /missing propert.*name/);
    expectProblems(checkManifests([manifest(deployment.replace('  replicas: 2\n', '  replicas: 2\n  replicas: 3\n'))]), /already (defined|set)|duplicate|mapping key/i);
    expectProblems(checkManifests([manifest(deployment.replace('apiVersion: apps/v1', 'apiVersion: apps.example.com/v1'))]), /apps\.example\.com\/v1|could not find schema/);
    expectProblems(checkManifests([manifest(deployment.replace('kind: Deployment', 'kind: Deploymnt'))]), /could not find schema for Deploymnt/);
  });

  test('fails an unknown field and a wrong type in custom resources', { timeout: 60_000 }, () => {
    expectProblems(checkManifests([manifest(customResources.replace('  endpoints:', '  endpoint:'))]), /ServiceMonitor.*endpoint/);
    expectProblems(checkManifests([manifest(customResources.replace('  secretName: api-tls', '  secretname: api-tls'))]), /Certificate.*secretname/);
    expectProblems(checkManifests([manifest(customResources.replace('        - setWeight: 20', '        - setWeight: twenty'))]), /Rollout.*setWeight/);
    expectProblems(checkManifests([manifest(customResources.replace('          for: 5m', '          for: 5m\n          fore: 5m'))]), /PrometheusRule.*fore/);
    expectProblems(checkManifests([manifest(customResources.replace('    kind: SecretStore\n', '    kind: SecretStore\n    namespace: shop\n'))]), /ExternalSecret.*namespace/);
    expectProblems(checkManifests([manifest(customResources.replace('  name: letsencrypt\nspec:', '  name: letsencrypt\n  labelz: {}\nspec:'))]), /ClusterIssuer.*labelz/);
  });

  test('a kind whose version has no schema fails (no -ignore-missing-schemas)', { timeout: 60_000 }, () => {
    expectProblems(checkManifests([manifest('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n')]), /could not find schema for Widget/);
  });

  test('its mustReject sample fails, and an empty file, a missing file and no file fail', { timeout: 60_000 }, () => {
    assert.ok(kubeconform.applies(kubeconform.mustReject.path));
    expectProblems(kubeconform.check([manifest(kubeconform.mustReject.contents)]), /selectr/);
    expectProblems(checkManifests([manifest('# nothing\n')]), /no Kubernetes resource/);
    expectProblems(checkManifests([path.join(tempDir(), 'missing.yaml')]), /cannot read|not a file/);
    expectProblems(checkManifests([]), /no file to check/);
  });

  test('applies to plain manifests only', () => {
    assert.ok(plainManifestPath('k8s/base/deployment.yaml'));
    assert.ok(plainManifestPath('deploy/k8s/service.yml'));
    for (const file of ['k8s/base/kustomization.yaml', 'k8s/overlays/production/replicas.yaml', 'k8s/charts/api/templates/deployment.yaml', 'compose.yaml', 'k8s/README.md']) {
      assert.ok(!plainManifestPath(file), file);
    }
  });

  test('a run that does not end as kubeconform ends is a failure', () => {
    const files = ['/x/a.yaml'];
    const valid = JSON.stringify({ resources: [{ filename: '/x/a.yaml', kind: 'Service', name: 'a', version: 'v1', status: 'statusValid', msg: '' }] });
    assert.deepEqual(kubeconformFindings(files, { status: 0, stdout: valid, output: valid }), []);
    expectProblems(kubeconformFindings(files, { status: 2, stdout: '', output: 'flag provided but not defined' }), /printed no JSON/);
    expectProblems(kubeconformFindings(files, { status: 1, stdout: valid, output: valid }), /failed without a finding/);
    expectProblems(kubeconformFindings(files, { status: 0, stdout: '{"resources": []}', output: '' }), /no Kubernetes resource/);
  });

  test('missing kubeconform fails loudly, never skips', () => {
    withoutBinaries(() => assert.throws(() => checkManifests([manifest(deployment)]), /'kubeconform' is not installed/));
  });

  test('missing schemas fail loudly', () => {
    withExported('PHASE4_VALIDATORS_HOME', tempDir(), () => expectProblems(checkManifests([manifest(deployment)]), /schemas are missing/));
    assert.equal(k8sSchemasDir(), path.join(validatorsHome(), 'k8s-schemas'));
  });
});

describe('helm lint --strict and helm template, per values file', () => {
  test('passes a small hardened chart with each values file, and its renders pass kubeconform', { timeout: 120_000 }, () => {
    const dir = write(chart);
    const result = checkHelmChart(dir, [path.join(dir, 'values.yaml'), path.join(dir, 'values-production.yaml')], { namespace: 'shop', outDir: tempDir() });
    assert.deepEqual(result.problems, []);
    assert.equal(result.renders.length, 2);
    const rendered = result.renders.map((render) => render.manifest ?? assert.fail('no manifest'));
    assert.match(readFileSync(rendered[1], 'utf8'), /replicas: 3/);
    assert.deepEqual(checkManifests(rendered), []);
    assert.deepEqual(checkHelmChart(dir, []).problems, [], 'the chart with its own values.yaml alone');
  });

  test('fails a values file that violates values.schema.json', { timeout: 120_000 }, () => {
    const dir = write({ ...chart, 'values-bad.yaml': 'replicaCount: three\n' });
    expectProblems(checkHelmChart(dir, [path.join(dir, 'values-bad.yaml')]).problems, /replicaCount/);
    const extra = write({ ...chart, 'values-extra.yaml': 'replicas: 3\n' });
    expectProblems(checkHelmChart(extra, [path.join(extra, 'values-extra.yaml')]).problems, /replicas/);
  });

  test('fails a template error, and a render that kubeconform rejects', { timeout: 120_000 }, () => {
    const broken = write({ ...chart, 'templates/service.yaml': '{{ .Values.image.repository | nosuchfunction }}\n' });
    expectProblems(checkHelmChart(broken, []).problems, /nosuchfunction/);
    const unknownField = write({ ...chart, 'templates/service.yaml': chart['templates/service.yaml'].replace('  selector:', '  selectr:') });
    const result = checkHelmChart(unknownField, []);
    assert.deepEqual(result.problems, [], 'helm itself does not know Kubernetes fields');
    expectProblems(checkManifests(result.renders.map((render) => render.manifest ?? assert.fail('no manifest'))), /selectr/);
  });

  test('fails what is not a chart and a missing values file', () => {
    expectProblems(checkHelmChart(tempDir(), []).problems, /no Chart\.yaml/);
    const dir = write(chart);
    expectProblems(checkHelmChart(dir, [path.join(dir, 'values-missing.yaml')]).problems, /no such values file/);
  });

  test('missing helm fails loudly, never skips', () => {
    const dir = write(chart);
    withoutBinaries(() => assert.throws(() => checkHelmChart(dir, []), /'helm' is not installed/));
  });
});

describe('kubectl kustomize, per overlay', () => {
  test('the machine has kubectl with kustomize 5', () => {
    assert.match(kustomizeVersion(), /^v5\./);
  });

  test('builds a base and an overlay, and their output passes kubeconform', { timeout: 60_000 }, () => {
    const dir = write(kustomizeTree);
    const base = kustomizeBuild(path.join(dir, 'base'));
    const overlay = kustomizeBuild(path.join(dir, 'overlays', 'production'));
    assert.deepEqual([...base.problems, ...overlay.problems], []);
    const built = readFileSync(overlay.manifest ?? assert.fail('no manifest'), 'utf8');
    assert.match(built, /replicas: 4/);
    assert.match(built, /image: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/shop\/api:1\.5\.0/);
    assert.match(built, /app\.kubernetes\.io\/part-of: shop/);
    assert.deepEqual(checkManifests([base.manifest ?? '', overlay.manifest ?? '']), []);
  });

  test('fails a missing resource, an unknown kustomization field, a patch without a target and a deprecated field', { timeout: 60_000 }, () => {
    const overlay = 'overlays/production/kustomization.yaml';
    const variant = (contents: string) => kustomizeBuild(path.join(write({ ...kustomizeTree, [overlay]: contents }), 'overlays', 'production')).problems;
    expectProblems(variant(kustomizeTree[overlay].replace('../../base', '../../bsae')), /bsae/);
    expectProblems(variant(kustomizeTree[overlay].replace('images:', 'imagez:')), /imagez/);
    expectProblems(
      variant(`${kustomizeTree[overlay]}  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: nope\n      spec:\n        replicas: 1\n`),
      /nope|no matches|failed to find/i,
    );
    expectProblems(variant(`${kustomizeTree[overlay]}commonLabels:\n  tier: api\n`), /commonLabels.*deprecated/);
    expectProblems(kustomizeBuild(tempDir()).problems, /no kustomization\.yaml/);
  });

  test('missing kubectl fails loudly, never skips', () => {
    const dir = write(kustomizeTree);
    withoutBinaries(() => assert.throws(() => kustomizeBuild(path.join(dir, 'base')), /'kubectl' is not installed/));
  });
});

describe('trivy config (embedded checks, every severity, offline)', () => {
  test('passes the hardened Deployment and Service', { timeout: 300_000 }, () => {
    assert.deepEqual(trivyKubernetes.check([manifest(deployment), manifest(service, 'k8s/service.yaml')]), []);
  });

  test('fails a Deployment without securityContext, naming the file and the checks', { timeout: 300_000 }, () => {
    const insecure = deployment.replace(/^ {6}securityContext:\n(?: {8}.*\n)+/m, '').replace(/^ {10}securityContext:\n(?: {12}.*\n)+/m, '');
    assert.doesNotMatch(insecure, /securityContext/);
    const file = manifest(insecure);
    const problems = trivyKubernetes.check([file]);
    expectProblems(problems, /runAsNonRoot|root/i);
    expectProblems(problems, /readOnlyRootFilesystem|read-only/i);
    assert.ok(problems.every((problem) => problem.startsWith(file)), problems.join('\n'));
    assert.ok(trivyKubernetes.applies(trivyKubernetes.mustReject.path));
    assert.notDeepEqual(trivyKubernetes.check([manifest(trivyKubernetes.mustReject.contents)]), []);
  });

  test('scans a chart with a values file', { timeout: 300_000 }, () => {
    const dir = write(chart);
    assert.deepEqual(trivyConfig(dir, { helmValues: [path.join(dir, 'values-production.yaml')] }), []);
    const privileged = write({ ...chart, 'templates/deployment.yaml': chart['templates/deployment.yaml'].replace('privileged: false', 'privileged: true') });
    expectProblems(trivyConfig(privileged), /privileged/i);
  });

  test('a run that does not end as trivy ends is a failure', () => {
    const clean = JSON.stringify({ ArtifactName: '/x', Results: [] });
    assert.deepEqual(trivyFindings('/x', { status: 0, stdout: clean, output: clean }), []);
    expectProblems(trivyFindings('/x', { status: 1, stdout: clean, output: clean }), /failed without a finding/);
    expectProblems(trivyFindings('/x', { status: 2, stdout: 'FATAL', output: 'FATAL' }), /printed no JSON/);
  });

  test('missing trivy fails loudly, never skips', () => {
    withoutBinaries(() => assert.throws(() => trivyKubernetes.check([manifest(deployment)]), /'trivy' is not installed/));
  });
});

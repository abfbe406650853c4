/**
 * The Helm chart (lib/areas/helm), rendered for several answer shapes and checked with the real tools: helm lint
 * --strict and helm template for every environment, kubeconform (strict, CRD schemas) and trivy config on every
 * render, then the objects themselves against the workload facts they come from (lib/kubernetes/workloads.ts):
 * hardening, probes, sizing, autoscaling, disruption budgets, network policies, images by digest, migrations
 * as hooks, helm tests. values.schema.json is proven to reject a wrong type, an unknown key and a bad digest.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { Answers } from '../../lib/catalog/option.js';
import { helmArea } from '../../lib/areas/helm/index.js';
import {
  clusterFacts,
  healthAnalysisOf,
  healthCheckPod,
  hostsOf,
  preStopSeconds,
  releaseVersion,
  terminationGracePeriodSeconds,
  workloadsOf,
  type Workload,
} from '../../lib/kubernetes/workloads.js';
import { derive } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { deployLayout } from '../../lib/plan/naming.js';
import { plan } from '../../lib/plan/plan.js';
import { renderAll } from '../../lib/render/render.js';
import { repositoryFormatter } from '../../lib/render/repository-prettier.js';
import { imageRef } from '../../lib/versions/index.js';
import { shopAnswers } from '../ci/answers.js';
import { tempDir, writeTree } from '../helpers/folders.js';
import { runTool } from '../helpers/tools.js';
import { serviceVariants } from '../validation/matrix.js';
import { checkHelmChart } from '../validation/validators/helm.js';
import { checkManifests } from '../validation/validators/kubeconform.js';
import { trivyOnRenders } from '../validation/validators/kubernetes.js';

const [react, vue] = [serviceVariants[0], serviceVariants[1]];
/** An API with secret and plain settings, PostgreSQL, and Prisma migrations (run from the image's `migrate` stage). */
const api = {
  ...serviceVariants[5],
  uses: ['postgres' as const],
  migrations: { tool: 'prisma' as const, command: 'npx prisma migrate deploy' },
  settings: [{ name: 'JWT_SECRET', secret: true }, { name: 'LOG_LEVEL', default: 'info' }],
};
const worker = serviceVariants[8];
/** A back end without a health route: its probes and helm test only check the port. */
const tcpOnly = { ...serviceVariants[13], healthPath: undefined };
/** Alembic migrations run from the runtime image itself. */
const python = { ...serviceVariants[9], uses: ['postgres' as const], migrations: { tool: 'alembic' as const, command: 'alembic upgrade head' } };

const shapes: Record<string, Partial<Answers>> = {
  'rolling, Prometheus, two environments: front end + API with migrations + worker': {
    strategy: 'rolling',
    monitoring: 'prometheus-grafana',
    services: [react, api, worker],
  },
  'blue-green, Datadog, three environments on GCP: two front ends, a TCP-checked back end, a worker': {
    strategy: 'blue-green',
    monitoring: 'datadog',
    cloud: 'gcp',
    registry: 'europe-west1-docker.pkg.dev/acme/shop',
    environments: ['dev', 'staging', 'production'],
    services: [react, vue, tcpOnly, worker],
  },
  'canary, Prometheus, three environments: front end + API with migrations, Python with migrations, worker': {
    strategy: 'canary',
    monitoring: 'prometheus-grafana',
    environments: ['dev', 'staging', 'production'],
    services: [react, api, python, worker],
  },
  'canary, Datadog on Azure (analysis by Job), two environments: front end + API with migrations': {
    strategy: 'canary',
    monitoring: 'datadog',
    cloud: 'azure',
    registry: 'acme.azurecr.io/shop',
    services: [react, api, tcpOnly],
  },
};

/** A stand-in for the digest the pipeline would set for an image key. */
const digestOf = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;

type Doc = Record<string, any>;

interface Chart {
  model: StackModel;
  dir: string;
  files: Map<string, string>;
}

const renderChart = (answers: Answers): Chart => {
  const model = derive(answers);
  const rendered = renderAll(helmArea.plan(model, { otherFiles: [] }));
  const root = tempDir('phase4-helm-');
  writeTree(root, Object.fromEntries(rendered.map((file) => [file.path, file.contents])));
  return { model, dir: path.join(root, deployLayout(model.config).helmChart), files: new Map(rendered.map((file) => [file.path, file.contents])) };
};

/** values-<env>.yaml plus the digests the pipeline sets with --set-string images.<key>.digest=... */
const pinnedValues = (chart: Chart, environment: string, outDir: string): string => {
  const shared = parse(readFileSync(path.join(chart.dir, 'values.yaml'), 'utf8')) as { images: Record<string, unknown> };
  const values = parse(readFileSync(path.join(chart.dir, `values-${environment}.yaml`), 'utf8')) as Record<string, unknown>;
  values.images = Object.fromEntries(Object.keys(shared.images).map((key) => [key, { digest: digestOf(key) }]));
  const file = path.join(outDir, `pinned-${environment}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
};

const documents = (manifest: string): Doc[] =>
  parseAllDocuments(readFileSync(manifest, 'utf8'))
    .map((document) => document.toJS() as Doc | null)
    .filter((document): document is Doc => document !== null);

/** Every container of every object that runs one, with where it is. */
const containersOf = (doc: Doc): { where: string; container: Doc; pod: Doc }[] => {
  const pods: Doc[] = [];
  if (doc.kind === 'Pod') pods.push(doc.spec);
  if (['Deployment', 'Rollout', 'Job'].includes(doc.kind)) pods.push(doc.spec.template.spec);
  if (doc.kind === 'AnalysisTemplate') for (const metric of doc.spec.metrics) if (metric.provider.job) pods.push(metric.provider.job.spec.template.spec);
  return pods.flatMap((pod) => (pod.containers as Doc[]).map((container) => ({ where: `${doc.kind} ${doc.metadata.name}`, container, pod })));
};

const containerSecurity = (user: { uid: number; gid: number }) => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: user.uid,
  runAsGroup: user.gid,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

const podSecurity = (user: { uid: number; gid: number }) => ({
  runAsNonRoot: true,
  runAsUser: user.uid,
  runAsGroup: user.gid,
  fsGroup: user.gid,
  seccompProfile: { type: 'RuntimeDefault' },
});

const selectorOf = (model: StackModel, workload: Workload) => ({ 'app.kubernetes.io/name': workload.name, 'app.kubernetes.io/instance': model.project.name });

for (const [shape, overrides] of Object.entries(shapes)) {
  describe(`helm chart: ${shape}`, () => {
    const chart = renderChart(shopAnswers({ ingressClass: 'nginx', ...overrides }));
    const { model } = chart;
    const workloads = workloadsOf(model);
    const facts = clusterFacts(model);
    const outDir = tempDir('phase4-helm-out-');
    const environments = model.project.environments;
    const pinned = environments.map((environment) => pinnedValues(chart, environment.name, outDir));
    const plain = environments.map((environment) => path.join(chart.dir, `values-${environment.name}.yaml`));
    const check = checkHelmChart(chart.dir, [...plain, ...pinned], { release: model.project.name, namespace: environments[0].namespace, outDir });
    // checkHelmChart takes one namespace: render each environment again in its own (the objects name it).
    const renders = new Map(
      environments.map((environment, index) => {
        const result = checkHelmChart(chart.dir, [pinned[index]], { release: model.project.name, namespace: environment.namespace, outDir: path.join(outDir, environment.name) });
        assert.deepEqual(result.problems, [], `${environment.name}: helm`);
        return [environment.name, result.renders[0].manifest as string];
      }),
    );

    test('helm lint --strict and helm template accept every environment, with and without digests', () => {
      assert.deepEqual(check.problems, []);
      assert.equal(check.renders.length, plain.length + pinned.length);
    });

    test('kubeconform (strict, with the CRD schemas) accepts every render', () => {
      assert.deepEqual(checkManifests([...renders.values()]), []);
    });

    test('trivy config finds nothing in any render (apart from test/validation/kubernetes-exceptions.yaml)', () => {
      assert.deepEqual(trivyOnRenders([...renders.values()]), []);
    });

    for (const environment of environments) {
      describe(environment.name, () => {
        const docs = documents(renders.get(environment.name) as string);
        const find = (kind: string, name: string) => docs.find((doc) => doc.kind === kind && doc.metadata.name === name);
        const get = (kind: string, name: string) => find(kind, name) ?? assert.fail(`no ${kind} ${name}`);

        test('every container is hardened, sized and runs a tagged image (never latest)', () => {
          const all = docs.flatMap(containersOf);
          assert.ok(all.length >= workloads.length);
          for (const { where, container, pod } of all) {
            const user = { uid: container.securityContext.runAsUser, gid: container.securityContext.runAsGroup };
            assert.deepEqual(container.securityContext, containerSecurity(user), `${where}: container securityContext`);
            assert.deepEqual(pod.securityContext, podSecurity(user), `${where}: pod securityContext`);
            // Above 10000 (no clash with a node's users), except nginx-unprivileged's own 101 (kubernetes-exceptions.yaml).
            const nginx = model.services.some((service) => service.servedByNginx && service.user.uid === user.uid);
            assert.ok((user.uid > 10000 && user.gid > 10000) || (nginx && user.uid === 101), `${where}: runs as ${user.uid}:${user.gid}`);
            assert.equal(pod.automountServiceAccountToken, false, `${where}: no API token`);
            for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) assert.ok(container.resources?.[kind]?.[resource], `${where}: ${kind}.${resource}`);
            assert.match(container.image, /^[^@]+:[A-Za-z0-9_][A-Za-z0-9_.-]*(@sha256:[a-f0-9]{64})?$/, `${where}: tagged image`);
            assert.doesNotMatch(container.image, /:latest(@|$)/, `${where}: latest`);
            assert.equal(container.imagePullPolicy, 'IfNotPresent');
          }
        });

        test('each workload: its Deployment or Rollout, by digest, with probes where it has a health check', () => {
          workloads.forEach((workload, index) => {
            assert.equal(workload.repository, model.services[index].image.repository);
            const object = get(workload.rollout ? 'Rollout' : 'Deployment', workload.name);
            assert.equal(find(workload.rollout ? 'Deployment' : 'Rollout', workload.name), undefined);
            assert.equal(object.spec.replicas, undefined, 'the HPA owns replicas');
            assert.deepEqual(object.spec.selector.matchLabels, selectorOf(model, workload));
            const pod = object.spec.template;
            assert.deepEqual(pod.metadata.labels, {
              'app.kubernetes.io/name': workload.name,
              'app.kubernetes.io/instance': model.project.name,
              'app.kubernetes.io/part-of': model.project.name,
              'app.kubernetes.io/component': workload.component,
              team: model.project.team,
              ...workload.agent[environment.name].labels,
            });
            for (const [key, value] of Object.entries(workload.agent[environment.name].annotations)) assert.equal(pod.metadata.annotations?.[key], value);
            assert.equal(pod.spec.terminationGracePeriodSeconds, terminationGracePeriodSeconds);
            assert.equal(pod.spec.serviceAccountName, workload.name);
            const [container] = pod.spec.containers;
            assert.equal(pod.spec.containers.length, 1);
            assert.equal(container.name, workload.name);
            assert.equal(container.image, `${workload.repository}:${releaseVersion}@${digestOf(workload.image)}`);
            assert.deepEqual(container.securityContext, containerSecurity(workload.user));
            assert.deepEqual(container.resources, workload.sizing[environment.name].resources);
            assert.deepEqual(container.command, workload.command);
            assert.deepEqual(container.env, workload.env.length > 0 ? workload.env : undefined);
            assert.deepEqual(container.volumeMounts, workload.volumes.length > 0 ? workload.volumes : undefined);
            if (workload.health.kind === 'none') {
              for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.equal(container[probe], undefined, `${workload.name}: ${probe}`);
            } else {
              const probe = workload.health.kind === 'http' ? { httpGet: { path: workload.health.path, port: 'http' } } : { tcpSocket: { port: 'http' } };
              assert.deepEqual(container.startupProbe, { ...probe, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 });
              assert.deepEqual(container.readinessProbe, { ...probe, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
              assert.deepEqual(container.livenessProbe, { ...probe, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 });
            }
            assert.deepEqual(container.lifecycle, workload.port === undefined ? undefined : { preStop: { sleep: { seconds: preStopSeconds } } });
          });
        });

        test('each workload has its ServiceAccount, HPA, PDB and NetworkPolicy; Services, Ingresses and PodMonitors where it should', () => {
          for (const workload of workloads) {
            assert.equal(get('ServiceAccount', workload.name).automountServiceAccountToken, false);
            const hpa = get('HorizontalPodAutoscaler', workload.name);
            assert.deepEqual(hpa.spec.scaleTargetRef, workload.rollout ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: workload.name } : { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name });
            assert.equal(hpa.spec.minReplicas, workload.sizing[environment.name].minReplicas);
            assert.equal(hpa.spec.maxReplicas, workload.sizing[environment.name].maxReplicas);
            assert.deepEqual(get('PodDisruptionBudget', workload.name).spec, { maxUnavailable: 1, selector: { matchLabels: selectorOf(model, workload) } });
            const policy = get('NetworkPolicy', workload.name);
            assert.deepEqual(policy.spec.podSelector.matchLabels, selectorOf(model, workload));
            assert.equal(policy.spec.ingress === undefined, workload.port === undefined, `${workload.name}: ingress rules only with a port`);
            assert.equal(Boolean(find('Service', workload.name)), workload.port !== undefined);
            assert.equal(Boolean(find('Service', `${workload.name}-preview`)), workload.rollout);
            assert.equal(Boolean(find('ConfigMap', workload.name)), workload.config.length > 0);
            const secret = find('ExternalSecret', workload.name);
            assert.equal(Boolean(secret), workload.secretKeys.length > 0);
            if (secret) assert.deepEqual(secret.spec.dataFrom, [{ extract: { key: facts.secretEntry(environment.name, workload.name) } }]);
            const ingress = find('Ingress', workload.name);
            assert.equal(Boolean(ingress), workload.route !== undefined);
            if (ingress && workload.route) {
              const host = workload.route.host === 'root' ? environment.host : `${workload.name}.${environment.host}`;
              assert.deepEqual(ingress.spec.tls, [{ hosts: [host], secretName: facts.tlsSecret }]);
              assert.equal(ingress.spec.rules[0].host, host);
              assert.equal(ingress.spec.rules[0].http.paths[0].path, workload.route.path);
            }
            assert.equal(Boolean(find('PodMonitor', workload.name)), facts.prometheus && workload.metricsPath !== undefined);
          }
        });

        test('the namespace denies by default, allows DNS, and has one certificate for every public host', () => {
          assert.deepEqual(get('NetworkPolicy', 'default-deny').spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
          assert.deepEqual(get('NetworkPolicy', 'allow-dns').spec.policyTypes, ['Egress']);
          const ports = [...new Set(workloads.flatMap((workload) => (workload.port === undefined ? [] : [workload.port])))];
          assert.deepEqual(get('NetworkPolicy', 'health-checks').spec.egress[0].ports, ports.map((port) => ({ port, protocol: 'TCP' })));
          const certificate = get('Certificate', `${model.project.name}-tls`);
          assert.deepEqual(certificate.spec.dnsNames, hostsOf(workloads, environment.host));
          assert.equal(certificate.spec.secretName, facts.tlsSecret);
        });

        test('migrations run as pre-install,pre-upgrade hook Jobs exactly for the workloads that have them', () => {
          const jobs = docs.filter((doc) => doc.kind === 'Job');
          assert.deepEqual(jobs.map((job) => job.metadata.name), workloads.filter((workload) => workload.migration).map((workload) => `${workload.name}-migrate`));
          for (const workload of workloads.filter((candidate) => candidate.migration)) {
            const migration = workload.migration!;
            const job = get('Job', migration.name);
            assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
            assert.equal(job.metadata.annotations['helm.sh/hook-delete-policy'], 'before-hook-creation,hook-succeeded');
            assert.equal(job.spec.backoffLimit, 0);
            assert.equal(job.spec.activeDeadlineSeconds, 900);
            const pod = job.spec.template.spec;
            assert.equal(pod.restartPolicy, 'Never');
            assert.equal(pod.containers[0].image, `${migration.repository}:${releaseVersion}@${digestOf(migration.image)}`);
            assert.deepEqual(pod.containers[0].command, migration.argv);
            assert.deepEqual(pod.containers[0].envFrom, [{ secretRef: { name: migration.name } }]);
            for (const kind of ['ExternalSecret', 'NetworkPolicy']) {
              const hook = get(kind, migration.name);
              assert.equal(hook.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
              assert.ok(Number(hook.metadata.annotations['helm.sh/hook-weight']) < Number(job.metadata.annotations['helm.sh/hook-weight']), `${kind} before the Job`);
            }
          }
        });

        test('helm test checks every workload with a health check, as a health-check pod', () => {
          const tests = docs.filter((doc) => doc.metadata.annotations?.['helm.sh/hook'] === 'test');
          const checked = workloads.filter((workload) => workload.health.kind !== 'none');
          assert.deepEqual(tests.map((pod) => pod.metadata.name), checked.map((workload) => `${workload.name}-health-check`));
          checked.forEach((workload, index) => {
            const pod = tests[index];
            assert.equal(pod.metadata.labels['app.kubernetes.io/component'], healthCheckPod.component);
            const [container] = pod.spec.containers;
            assert.equal(container.image, imageRef('curl'));
            const path = workload.health.kind === 'http' ? workload.health.path : '/';
            assert.equal(container.args.at(-1), `http://${workload.name}.${environment.namespace}.svc:${workload.port}${path}`);
            for (const option of ['--silent', '--show-error', '--max-time', '--retry', '--retry-connrefused']) assert.ok(container.args.includes(option), option);
            assert.equal(container.args.includes('--fail'), workload.health.kind === 'http');
          });
        });

        test('rollouts are judged by the shared analysis, with the arguments of their workload', () => {
          const rollouts = workloads.filter((workload) => workload.rollout);
          const template = find('AnalysisTemplate', `${model.project.name}-health`);
          assert.equal(Boolean(template), rollouts.length > 0);
          if (!template) return;
          const healthAnalysis = healthAnalysisOf(model.config);
          assert.deepEqual(template.spec.args.map((arg: Doc) => arg.name), healthAnalysis.args);
          if (facts.prometheus) {
            assert.deepEqual(
              template.spec.metrics.map((metric: Doc) => ({ name: metric.name, successCondition: metric.successCondition, query: metric.provider.prometheus.query })),
              healthAnalysis.metrics,
            );
          } else {
            const [metric] = template.spec.metrics;
            const [container] = metric.provider.job.spec.template.spec.containers;
            assert.equal(container.image, imageRef('curl'));
            assert.deepEqual(container.args, [...healthCheckPod.curlOptions, healthAnalysis.jobUrl]);
          }
          for (const workload of rollouts) {
            const strategy = get('Rollout', workload.name).spec.strategy;
            const analysis = model.config.strategy === 'blue-green' ? strategy.blueGreen.postPromotionAnalysis : strategy.canary.analysis;
            const target = model.config.strategy === 'blue-green' ? workload.name : `${workload.name}-preview`;
            const path = workload.health.kind === 'http' ? workload.health.path : '/';
            assert.deepEqual(analysis.args, [
              { name: 'service', value: workload.name },
              { name: 'target', value: target },
              { name: 'namespace', value: environment.namespace },
              { name: 'port', value: String(workload.port) },
              { name: 'path', value: path },
            ]);
            if (model.config.strategy === 'canary') assert.equal(Boolean(strategy.canary.trafficRouting), workload.route !== undefined);
          }
        });
      });
    }
  });
}

describe('helm chart: values.schema.json', () => {
  const chart = renderChart(shopAnswers({ ingressClass: 'nginx', services: [react, api, worker] }));
  const environment = chart.model.project.production.name;
  const values = parse(readFileSync(path.join(chart.dir, `values-${environment}.yaml`), 'utf8')) as Record<string, any>;
  const dir = tempDir('phase4-helm-bad-');
  /** helm lint --strict's output for the environment's values changed by `change`. */
  const lintWith = (name: string, change: (copy: Record<string, any>) => void) => {
    const copy = structuredClone(values);
    change(copy);
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, stringify(copy));
    return runTool('helm', ['lint', '--strict', chart.dir, '--values', file], { env: { HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data'), KUBECONFIG: '/dev/null' } });
  };
  const rejects = (name: string, change: (copy: Record<string, any>) => void, where: RegExp) => {
    const result = lintWith(name, change);
    assert.notEqual(result.status, 0, `${name} passed helm lint:\n${result.output}`);
    assert.match(result.output, where);
  };

  test('the unchanged values pass (the cases below fail for their change alone)', () => {
    assert.equal(lintWith('unchanged', () => {}).status, 0);
  });

  test('a wrong type fails: minReplicas "three"', () => {
    rejects('wrong-type', (copy) => (copy.sizing['api-express'].minReplicas = 'three'), /sizing\/api-express\/minReplicas/);
  });

  test('an unknown key fails, at the top and deep inside', () => {
    rejects('unknown-top', (copy) => (copy.replicas = 3), /replicas/);
    rejects('unknown-deep', (copy) => (copy.sizing['api-express'].resources.requests.gpu = '1'), /gpu/);
    rejects('unknown-workload', (copy) => (copy.sizing['not-a-workload'] = copy.sizing['api-express']), /not-a-workload/);
  });

  test('a bad digest, a latest tag and a bad quantity fail', () => {
    rejects('bad-digest', (copy) => (copy.images = { 'api-express': { digest: 'sha256:1234' } }), /images\/api-express\/digest/);
    rejects('latest', (copy) => (copy.images = { 'api-express': { tag: 'latest' } }), /images\/api-express\/tag/);
    rejects('bad-quantity', (copy) => (copy.sizing['api-express'].resources.limits.memory = 'lots'), /limits\/memory/);
  });

  test('the environment\'s own values are required: the chart alone does not install', () => {
    const result = runTool('helm', ['lint', '--strict', chart.dir], { env: { HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data'), KUBECONFIG: '/dev/null' } });
    assert.notEqual(result.status, 0);
    assert.match(result.output, /environment/);
  });
});

describe('helm area', () => {
  test('writes the chart only when orchestration is helm, and says why otherwise', () => {
    const kustomize = shopAnswers({ ingressClass: 'nginx', orchestration: 'kustomize' });
    assert.deepEqual(helmArea.plan(derive(kustomize), { otherFiles: [] }), []);
    assert.throws(() => plan(kustomize, ['helm']), /^UsageError: orchestration: is kustomize; the Helm chart is written when it is helm \(run with --orchestration helm/);
    assert.equal(helmArea.unavailable?.(shopAnswers({ orchestration: 'helm' })), undefined);
  });

  test('every file is managed, under deploy/helm/<project> (or the shared deploy/cluster and docs), byte-identical from run to run', () => {
    const answers = shopAnswers({ ingressClass: 'nginx', strategy: 'canary' });
    const first = renderAll(helmArea.plan(derive(answers), { otherFiles: [] }));
    const second = renderAll(helmArea.plan(derive(answers), { otherFiles: [] }));
    const text = (files: typeof first) => files.map((file) => [file.path, file.contents]);
    assert.deepEqual(text(first), text(second));
    for (const file of first) {
      assert.ok(file.path.startsWith('deploy/helm/shop/') || file.path.startsWith('deploy/cluster/') || file.path === 'docs/kubernetes.md', file.path);
      assert.equal(file.ownership, 'managed');
      assert.doesNotMatch(file.contents, /<%|TODO|FIXME|:latest\b/, file.path);
    }
    const byPath = new Map(first.map((file) => [file.path, file.contents]));
    assert.match(byPath.get('deploy/helm/shop/templates/_helpers.tpl') ?? '', /^\{\{\/\* Generated by generator-phase4 \(helm\)/);
    assert.doesNotMatch(byPath.get('deploy/helm/shop/templates/NOTES.txt') ?? '', /Generated by/);
    assert.match(byPath.get('deploy/helm/shop/templates/deployment.yaml') ?? '', /^\{\{\/\* Generated/);
    assert.ok(byPath.has('deploy/helm/shop/values-staging.yaml') && byPath.has('deploy/helm/shop/values-production.yaml'));
    JSON.parse(byPath.get('deploy/helm/shop/values.schema.json') ?? '');
  });

  test("a repository's prettier leaves the chart's Go templates alone, and finds the other files formatted", async () => {
    const root = writeTree(tempDir(), { '.prettierrc': '{}\n' });
    const format = (await repositoryFormatter(root)) ?? assert.fail('the .prettierrc was not found');
    const rendered = renderAll(helmArea.plan(derive(shopAnswers({ ingressClass: 'nginx', monitoring: 'datadog' })), { otherFiles: [] }));
    for (const file of rendered) assert.equal(await format(file.path, file.contents), file.contents, file.path);
  });
});

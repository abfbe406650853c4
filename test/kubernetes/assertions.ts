/**
 * What every rendered environment must be, whichever style rendered it (Kustomize overlay or Helm values file):
 * the security, availability and network rules of issue 8, checked on the objects the real tools produced, and
 * consistency with the Dockerfiles and compose file of the same run.
 */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { EnvironmentModel, ServiceModel, StackModel } from '../../lib/model/types.js';
import type { RenderedFile } from '../../lib/render/render.js';
import type { KubernetesObject } from '../validation/validators/kubernetes.js';

export const workloadKinds = new Set(['Deployment', 'Rollout']);

const podOf = (object: KubernetesObject): KubernetesObject => (object.kind === 'Pod' ? object.spec : object.spec.template.spec);

/** JSON with keys sorted at every level: the tools order maps as they like. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b))) : inner,
  );

const named = (objects: KubernetesObject[], kind: string, name: string): KubernetesObject | undefined =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);

/** Every container of every pod-carrying object has the hardened securityContext, requests and limits. */
export const assertHardenedContainers = (objects: KubernetesObject[], where: string): void => {
  const pods = objects.filter((object) => ['Deployment', 'Rollout', 'Job', 'Pod'].includes(object.kind));
  assert.ok(pods.length > 0, `${where}: no workloads rendered`);
  for (const object of pods) {
    const pod = podOf(object);
    const label = `${where}: ${object.kind} ${object.metadata.name}`;
    assert.equal(pod.automountServiceAccountToken, false, `${label}: automountServiceAccountToken`);
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${label}: pod runAsNonRoot`);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${label}: pod seccomp`);
    for (const container of pod.containers) {
      const context = container.securityContext ?? {};
      assert.equal(context.allowPrivilegeEscalation, false, `${label}/${container.name}: allowPrivilegeEscalation`);
      assert.equal(context.readOnlyRootFilesystem, true, `${label}/${container.name}: readOnlyRootFilesystem`);
      assert.equal(context.runAsNonRoot, true, `${label}/${container.name}: runAsNonRoot`);
      assert.ok(context.runAsUser > 0, `${label}/${container.name}: numeric non-root runAsUser`);
      assert.deepEqual(context.capabilities?.drop, ['ALL'], `${label}/${container.name}: capabilities`);
      assert.equal(context.seccompProfile?.type, 'RuntimeDefault', `${label}/${container.name}: seccomp`);
      for (const resource of ['cpu', 'memory']) {
        assert.ok(container.resources?.requests?.[resource], `${label}/${container.name}: requests.${resource}`);
        assert.ok(container.resources?.limits?.[resource], `${label}/${container.name}: limits.${resource}`);
      }
      assert.match(container.image, /^[^@]+:[^:@/]+(@sha256:[a-f0-9]{64})?$|^[^@:]+@sha256:[a-f0-9]{64}$/, `${label}/${container.name}: image ${container.image} has a tag or digest`);
      assert.doesNotMatch(container.image, /:latest(@|$)/, `${label}/${container.name}: latest`);
    }
  }
};

/**
 * One environment's application objects against the model: a workload per service with the model's image,
 * port, health route and user, an HPA and a PDB for each, the network policies the model implies and no others.
 */
export const assertEnvironment = (objects: KubernetesObject[], model: StackModel, environment: EnvironmentModel, where: string): void => {
  assertHardenedContainers(objects, where);
  const defaultDeny = named(objects, 'NetworkPolicy', 'default-deny');
  assert.ok(defaultDeny, `${where}: default-deny NetworkPolicy`);
  assert.deepEqual(defaultDeny.spec.podSelector, {});
  assert.deepEqual(defaultDeny.spec.policyTypes, ['Ingress', 'Egress']);
  assert.equal(defaultDeny.spec.ingress, undefined);
  assert.equal(defaultDeny.spec.egress, undefined);
  const workloads = objects.filter((object) => workloadKinds.has(object.kind));
  assert.deepEqual(workloads.map((object) => object.metadata.name).sort(), model.services.map((service) => service.name).sort(), `${where}: one workload per service`);
  for (const service of model.services) {
    const workload = workloads.find((object) => object.metadata.name === service.name)!;
    const label = `${where}: ${service.name}`;
    const pod = podOf(workload);
    const container = pod.containers.find((candidate: KubernetesObject) => candidate.name === service.name);
    assert.ok(container, `${label}: container named after the service`);
    assert.ok(container.image.startsWith(`${service.image.repository}:`) || container.image.startsWith(`${service.image.repository}@`), `${label}: image ${container.image} is ${service.image.repository}`);
    assert.equal(pod.securityContext.runAsUser, service.user.uid, `${label}: uid`);
    assert.equal(pod.securityContext.runAsGroup, service.user.gid, `${label}: gid`);
    assert.equal(container.securityContext.runAsUser, service.user.uid, `${label}: container uid`);
    for (const writable of service.writablePaths) {
      const mount = container.volumeMounts.find((candidate: KubernetesObject) => candidate.mountPath === writable);
      assert.ok(mount, `${label}: ${writable} is writable`);
      assert.ok(pod.volumes.find((volume: KubernetesObject) => volume.name === mount.name)?.emptyDir, `${label}: ${writable} is an emptyDir`);
    }
    const isServer = service.port !== undefined && service.kind !== 'worker';
    if (isServer) {
      assert.deepEqual(container.ports, [{ name: 'http', containerPort: service.port, protocol: 'TCP' }], `${label}: port`);
      const check = service.health.kind === 'http' ? { httpGet: { path: service.health.path, port: 'http' } } : { tcpSocket: { port: 'http' } };
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        assert.ok(container[probe], `${label}: ${probe}`);
        const { periodSeconds: _period, timeoutSeconds: _timeout, failureThreshold: _failures, ...probeCheck } = container[probe];
        assert.deepEqual(probeCheck, check, `${label}: ${probe} checks the model's health route`);
      }
      assert.ok(container.lifecycle?.preStop, `${label}: preStop pause`);
      assert.ok(pod.terminationGracePeriodSeconds > container.lifecycle.preStop.sleep.seconds, `${label}: grace period covers the pause`);
      const serviceObject = named(objects, 'Service', service.name);
      assert.ok(serviceObject, `${label}: Service`);
      assert.deepEqual(serviceObject.spec.ports, [{ name: 'http', port: service.port, targetPort: 'http', protocol: 'TCP' }], `${label}: Service port`);
    } else {
      assert.equal(container.startupProbe, undefined, `${label}: a worker has no probe to answer`);
    }
    assert.equal(pod.topologySpreadConstraints?.length, 2, `${label}: spread over zones and nodes`);
    assert.equal(workload.kind, model.config.strategy !== 'rolling' && isServer ? 'Rollout' : 'Deployment', `${label}: kind for ${model.config.strategy}`);
    const autoscaler = named(objects, 'HorizontalPodAutoscaler', service.name);
    assert.ok(autoscaler, `${label}: HPA`);
    assert.deepEqual(autoscaler.spec.scaleTargetRef, { apiVersion: workload.apiVersion, kind: workload.kind, name: service.name }, `${label}: HPA target`);
    assert.ok(autoscaler.spec.minReplicas >= (environment.isProduction ? 2 : 1) && autoscaler.spec.maxReplicas > autoscaler.spec.minReplicas, `${label}: HPA bounds`);
    assert.equal(workload.spec.replicas, undefined, `${label}: replicas left to the HPA`);
    const budget = named(objects, 'PodDisruptionBudget', service.name);
    assert.ok(budget, `${label}: PDB`);
    assert.deepEqual(budget.spec.selector.matchLabels, workload.spec.selector.matchLabels, `${label}: PDB selects the workload's pods`);
    assertNetworkPolicy(objects, model, service, workload, label);
  }
};

/** The stacks whose agent scrapes the services' /metrics (Datadog's only for the database pool). */
const scrapesMetrics = (model: StackModel): boolean =>
  ['prometheus-grafana', 'newrelic', 'elk', 'cloudwatch', 'google-cloud-monitoring', 'azure-monitor'].includes(model.config.monitoring) ||
  (model.config.monitoring === 'datadog' && model.datastores.some((store) => store.engine.role === 'database'));

/** Where that agent runs: Google's managed collectors in gmp-system, Azure's in kube-system, every other agent in the monitoring namespace. */
const scraperNamespace = (model: StackModel): string =>
  ({ 'google-cloud-monitoring': 'gmp-system', 'azure-monitor': 'kube-system' })[model.config.monitoring as string] ?? 'monitoring';

const assertNetworkPolicy = (objects: KubernetesObject[], model: StackModel, service: ServiceModel, workload: KubernetesObject, label: string): void => {
  const policy = named(objects, 'NetworkPolicy', service.name);
  assert.ok(policy, `${label}: NetworkPolicy`);
  assert.deepEqual(policy.spec.podSelector.matchLabels, workload.spec.selector.matchLabels);
  const peers = (policy.spec.ingress ?? []).flatMap((rule: KubernetesObject) => rule.from.map((peer: KubernetesObject) => canonical(peer)));
  const isServer = service.port !== undefined && service.kind !== 'worker';
  const frontEnds = model.services.filter((candidate) => candidate.kind === 'frontend' && candidate.port !== undefined);
  const isPublic = frontEnds.includes(service) || model.apiBackend === service;
  const callers = model.apiBackend === service ? frontEnds : [];
  const expected = isServer
    ? [
        ...(isPublic ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] : []),
        ...callers.map((caller) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': model.project.name, 'app.kubernetes.io/name': caller.name } } })),
        { podSelector: { matchLabels: { 'app.kubernetes.io/instance': model.project.name, 'app.kubernetes.io/component': 'health-check' } } },
        ...(scrapesMetrics(model) ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': scraperNamespace(model) } } }] : []),
      ]
    : [];
  assert.deepEqual(peers.sort(), expected.map((peer) => canonical(peer)).sort(), `${label}: exactly the ingress the model implies`);
  const egressPorts = (policy.spec.egress ?? []).flatMap((rule: KubernetesObject) => (rule.ports ?? []).map((port: KubernetesObject) => port.port)).sort();
  const datastorePorts = service.uses.map((store) => store.engine.port);
  const calls = frontEnds.includes(service) && model.apiBackend?.port !== undefined ? [model.apiBackend.port] : [];
  const expectedPorts = [...new Set([...calls, ...datastorePorts])].concat(service.kind === 'frontend' ? [] : [443]).sort();
  assert.deepEqual([...new Set(egressPorts)].sort(), [...new Set(expectedPorts)].sort(), `${label}: egress only to the ports the model implies`);
};

/** The Dockerfile and compose file of the same run say the same uid, port, image and health route. */
export const assertMatchesContainers = (objects: KubernetesObject[], model: StackModel, files: RenderedFile[], where: string): void => {
  const compose = files.find((file) => file.path === 'compose.yaml');
  const composeServices = compose ? (parse(compose.contents).services as Record<string, KubernetesObject>) : {};
  for (const service of model.services) {
    const workload = objects.find((object) => workloadKinds.has(object.kind) && object.metadata.name === service.name)!;
    const container = podOf(workload).containers[0];
    const dockerfile = files.find((file) => file.path === service.image.dockerfile);
    assert.ok(dockerfile, `${where}: ${service.image.dockerfile} rendered`);
    const user = [...dockerfile.contents.matchAll(/^USER (\d+):(\d+)$/gm)].at(-1);
    assert.ok(user, `${where}: ${service.image.dockerfile} sets a numeric USER`);
    assert.deepEqual([Number(user[1]), Number(user[2])], [podOf(workload).securityContext.runAsUser, podOf(workload).securityContext.runAsGroup], `${where}: ${service.name} uid:gid as in its Dockerfile`);
    const exposed = dockerfile.contents.match(/^EXPOSE (\d+)$/m);
    if (container.ports) assert.equal(Number(exposed?.[1]), container.ports[0].containerPort, `${where}: ${service.name} port as its Dockerfile EXPOSEs`);
    const composed = composeServices[service.name];
    assert.ok(composed, `${where}: ${service.name} in compose.yaml`);
    assert.equal(String(composed.image).split(':')[0], container.image.split(/[:@]/)[0], `${where}: ${service.name} image as in compose.yaml`);
    if (service.health.kind === 'http' && container.readinessProbe) {
      assert.ok(JSON.stringify(composed.healthcheck?.test ?? []).includes(service.health.path) || dockerfile.contents.includes(service.health.path), `${where}: ${service.name} health route ${service.health.path} as in its image's check`);
    }
  }
};

/**
 * values.schema.json: the JSON Schema (draft-07) Helm checks the merged values against on lint, template,
 * install and upgrade. Every object is closed (`additionalProperties: false`), so a misspelt key fails as surely
 * as a wrong type; the maps keyed by workload or image list exactly this project's names. Maps whose keys are
 * data (pod labels, alert labels) accept any key with a string value.
 */
import { dnsLabel } from '../../catalog/service.js';
import type { SharedValues } from './values.js';

type Schema = Record<string, unknown>;

/** A closed object: only these properties; all of them required unless `required` says otherwise. */
const object = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({
  type: 'object',
  additionalProperties: false,
  ...(required.length > 0 ? { required } : {}),
  properties,
});

const string: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const name: Schema = { type: 'string', pattern: dnsLabel.source };
const port: Schema = { type: 'integer', minimum: 1, maximum: 65535 };
const id: Schema = { type: 'integer', minimum: 0 };
const list = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const duration: Schema = { type: 'string', pattern: '^([0-9]+(ms|s|m|h|d|w|y))+$' };

/** Kubernetes quantities as phase4 writes them: CPU in cores or millicores, memory in binary or decimal units. */
const cpu: Schema = { type: 'string', pattern: '^([0-9]+m|[0-9]+(\\.[0-9]+)?)$' };
const memory: Schema = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$' };
const resources = object({ requests: object({ cpu, memory }), limits: object({ cpu, memory }) });

/** An image: never `latest`; the digest is empty until the pipeline sets the one it built. */
const repository: Schema = { type: 'string', pattern: '^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?$' };
const image = object({
  repository,
  tag: { type: 'string', pattern: '^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$', not: { const: 'latest' } },
  digest: { type: 'string', pattern: '^(sha256:[a-f0-9]{64})?$' },
});
const pinnedImage = object({ repository, tag: { type: 'string', minLength: 1, not: { const: 'latest' } } });

const user = object({ uid: id, gid: id });
const nameValue = object({ name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' }, value: string });

const health: Schema = {
  oneOf: [object({ kind: { const: 'http' }, path: { type: 'string', pattern: '^/' } }), object({ kind: { const: 'tcp' } }), object({ kind: { const: 'none' } })],
};

/** A workload of this project: its name is one of the names the per-environment maps are keyed by. */
const workload = (names: string[]) => object(
  {
    name: { enum: names },
    component: { enum: ['frontend', 'backend', 'worker'] },
    image: nonEmpty,
    command: list(string, { minItems: 1 }),
    port,
    metricsPath: { type: 'string', pattern: '^/' },
    health,
    user,
    volumes: list(object({ name, mountPath: { type: 'string', pattern: '^/' } })),
    env: list(nameValue),
    config: list(nameValue),
    secretKeys: list(nonEmpty),
    route: object({ host: { enum: ['root', 'own'] }, path: { type: 'string', pattern: '^/' } }),
    calls: list(object({ name, port })),
    calledBy: list(name),
    datastorePorts: list(port),
    httpsEgress: { type: 'boolean' },
    migration: object({ image: nonEmpty, command: list(string, { minItems: 1 }) }),
  },
  ['name', 'component', 'image', 'health', 'user', 'volumes', 'env', 'config', 'secretKeys', 'calls', 'calledBy', 'datastorePorts', 'httpsEgress'],
);

/** Prometheus rule groups as the Prometheus Operator's PrometheusRule takes them. */
const ruleGroup = object(
  {
    name: nonEmpty,
    interval: duration,
    rules: list(
      object(
        { alert: nonEmpty, record: nonEmpty, expr: { type: ['string', 'integer'] }, for: duration, keep_firing_for: duration, labels: stringMap, annotations: stringMap },
        ['expr'],
      ),
      { minItems: 1 },
    ),
  },
  ['name', 'rules'],
);

/** A closed map keyed by the project's own names: exactly these keys (required ones must be present). */
const keyed = (keys: string[], value: Schema, required = keys): Schema => object(Object.fromEntries(keys.map((key) => [key, value])), required);

export const valuesSchema = (values: SharedValues): Schema => {
  const names = values.workloads.map((entry) => entry.name);
  const withSecrets = values.workloads.filter((entry) => entry.secretKeys.length > 0).map((entry) => entry.name);
  const host = { type: 'string', pattern: '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$' };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Values of the application chart',
    ...object(
      {
        team: name,
        strategy: { enum: ['rolling', 'blue-green', 'canary'] },
        monitoring: object(
          {
            stack: { enum: ['prometheus-grafana', 'datadog', 'newrelic', 'elk', 'cloudwatch', 'google-cloud-monitoring', 'azure-monitor'] },
            namespace: name,
            scrapesMetrics: { type: 'boolean' },
            prometheusRules: object({ groups: list(ruleGroup) }),
          },
          ['stack', 'namespace', 'scrapesMetrics'],
        ),
        images: keyed(Object.keys(values.images), image),
        ingress: object({ className: nonEmpty, controllerNamespace: name, tlsSecret: name, clusterIssuer: nonEmpty }),
        externalSecrets: object({ store: nonEmpty, refreshInterval: duration }),
        healthCheck: object({ image: pinnedImage, user, resources }),
        analysis: object({
          prometheusAddress: { type: 'string', pattern: '^https?://' },
          metrics: list(object({ name, successCondition: nonEmpty, query: nonEmpty }), { minItems: 1 }),
        }),
        workloads: list(workload(names), { minItems: names.length, maxItems: names.length }),
        environment: name,
        host,
        hosts: list(host, { minItems: 1, uniqueItems: true }),
        secretEntries: keyed(withSecrets, nonEmpty),
        sizing: keyed(names, object({ minReplicas: { type: 'integer', minimum: 1 }, maxReplicas: { type: 'integer', minimum: 1 }, resources })),
        podMetadata: keyed(names, object({ labels: stringMap, annotations: stringMap }), []),
      },
      ['team', 'strategy', 'monitoring', 'images', 'ingress', 'externalSecrets', 'healthCheck', 'analysis', 'workloads', 'environment', 'host', 'hosts', 'secretEntries', 'sizing'],
    ),
  };
};

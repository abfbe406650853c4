/**
 * THE option catalog: every answer phase4 understands, in the order it is resolved and asked.
 * Prompts, CLI flags, `--help`, the answers-file JSON Schema, the README table and the `Answers` type
 * are derived from this list. Keys and choice values are a public contract: never rename one.
 */
import type { ChoiceOption, ListOption, ServicesOption, TextOption } from './option.js';
import { regionOfRegistry } from '../detect/project.js';
import { dnsLabel, dnsLabelHint } from './service.js';

const choice = <const N extends string, const C extends string>(option: Omit<ChoiceOption<N, C>, 'kind'>) =>
  ({ kind: 'choice', ...option }) as ChoiceOption<N, C>;
const text = <const N extends string>(option: Omit<TextOption<N>, 'kind'>) => ({ kind: 'text', ...option }) as TextOption<N>;
const list = <const N extends string>(option: Omit<ListOption<N>, 'kind'>) => ({ kind: 'list', ...option }) as ListOption<N>;
const services = <const N extends string>(option: Omit<ServicesOption<N>, 'kind'>) =>
  ({ kind: 'services', ...option }) as ServicesOption<N>;

/** The monitoring stacks that belong to one cloud. */
const cloudStacks = [
  { value: 'cloudwatch', cloud: 'aws', vendor: 'AWS' },
  { value: 'google-cloud-monitoring', cloud: 'gcp', vendor: 'Google Cloud' },
  { value: 'azure-monitor', cloud: 'azure', vendor: 'Azure' },
];

export const catalog = [
  text({
    name: 'name',
    description: 'Project name, used for namespaces, chart and stack names (DNS-1123 label)',
    message: 'Project name',
    pattern: dnsLabel,
    patternHint: dnsLabelHint,
    maxLength: 63,
    detect: (detection) => detection.projectName,
    default: ({ detection }) => detection.projectName ?? 'app',
  }),
  services({
    name: 'services',
    description: 'Services to cover: name, path, kind, language, framework, port, healthPath, commands, settings, ... (JSON for the flag)',
    message: 'Services to cover',
    // Evidence stays with the detection (shown by `phase4 detect`); the answers keep the values.
    detect: (detection) =>
      detection.services.length > 0 ? detection.services.map(({ evidence: _evidence, ...service }) => service) : undefined,
    default: ({ detection }) => detection.services.map(({ evidence: _evidence, ...service }) => service),
  }),
  choice({
    name: 'ci',
    description: 'CI/CD platform',
    message: 'CI/CD platform',
    choices: [
      { value: 'github-actions', label: 'GitHub Actions' },
      { value: 'gitlab-ci', label: 'GitLab CI/CD' },
      { value: 'jenkins', label: 'Jenkins (declarative pipeline)' },
      { value: 'circleci', label: 'CircleCI' },
      { value: 'azure-devops', label: 'Azure DevOps Pipelines' },
    ],
    detect: (detection) => detection.ci,
    default: () => 'github-actions',
  }),
  choice({
    name: 'cloud',
    description: 'Cloud provider for infrastructure, registry and managed services',
    message: 'Cloud provider',
    choices: [
      { value: 'aws', label: 'Amazon Web Services' },
      { value: 'gcp', label: 'Google Cloud' },
      { value: 'azure', label: 'Microsoft Azure' },
    ],
    detect: (detection) => detection.cloud,
    default: () => 'aws',
  }),
  choice({
    name: 'orchestration',
    description: "How services run: Kubernetes with Kustomize or Helm, or none (compose on a VM / the cloud's container service)",
    message: 'Orchestration',
    choices: [
      { value: 'kustomize', label: 'Kubernetes with plain manifests and Kustomize overlays' },
      { value: 'helm', label: 'Kubernetes with a Helm chart' },
      { value: 'none', label: "No Kubernetes: compose on a VM or the cloud's container service" },
    ],
    detect: (detection) => detection.orchestration,
    default: () => 'helm',
  }),
  choice({
    name: 'monitoring',
    description: 'Metrics, dashboards, alerting and logs stack',
    message: 'Monitoring stack',
    choices: [
      { value: 'prometheus-grafana', label: 'Prometheus, Alertmanager and Grafana' },
      { value: 'datadog', label: 'Datadog' },
      { value: 'newrelic', label: 'New Relic' },
      { value: 'elk', label: 'Elastic Stack (Elasticsearch and Kibana, fed by the OpenTelemetry Collector)' },
      { value: 'cloudwatch', label: 'Amazon CloudWatch (AWS only)' },
      { value: 'google-cloud-monitoring', label: 'Google Cloud Monitoring and Logging, with Managed Prometheus (GCP only)' },
      { value: 'azure-monitor', label: 'Azure Monitor, Log Analytics and managed Prometheus (Azure only)' },
    ],
    default: () => 'prometheus-grafana',
    check: (value, answers) => {
      // The clouds' own stacks watch only their cloud's resources.
      const owner = cloudStacks.find((stack) => stack.value === value);
      const native = cloudStacks.find((stack) => stack.cloud === answers.cloud);
      return owner && answers.cloud !== owner.cloud
        ? `${value} is ${owner.vendor}'s own stack and cloud is ${answers.cloud}; choose prometheus-grafana, datadog, newrelic${native ? `, ${native.value}` : ''} or elk, or set cloud to ${owner.cloud}`
        : undefined;
    },
  }),
  choice({
    name: 'strategy',
    description: 'Production deployment strategy',
    message: 'Deployment strategy',
    choices: [
      { value: 'rolling', label: 'Rolling update' },
      { value: 'blue-green', label: 'Blue-green with an instant switch back' },
      { value: 'canary', label: 'Canary with gradual traffic shifting' },
    ],
    default: () => 'rolling',
  }),
  choice({
    name: 'database',
    description: 'Primary database (managed in the cloud, a container locally)',
    message: 'Database',
    choices: [
      { value: 'postgres', label: 'PostgreSQL' },
      { value: 'mysql', label: 'MySQL' },
      { value: 'mongodb', label: 'MongoDB' },
      { value: 'none', label: 'None' },
    ],
    detect: (detection) => detection.database,
    default: () => 'none',
  }),
  choice({
    name: 'cache',
    description: 'Cache (managed in the cloud, a container locally)',
    message: 'Cache',
    choices: [
      { value: 'redis', label: 'Redis' },
      { value: 'none', label: 'None' },
    ],
    detect: (detection) => detection.cache,
    default: () => 'none',
  }),
  list({
    name: 'environments',
    description: 'Deployment environments in promotion order, the last one is production (comma-separated for the flag)',
    message: 'Environments, in promotion order (comma-separated)',
    itemPattern: dnsLabel,
    itemHint: dnsLabelHint,
    minItems: 1,
    maxItems: 6,
    default: () => ['staging', 'production'],
  }),
  text({
    name: 'registry',
    description: 'Container registry and namespace images are pushed to, without the image name (e.g. ghcr.io/acme)',
    message: 'Container registry (host/namespace)',
    pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
    patternHint: 'a registry host with an optional port and lowercase path, such as ghcr.io/acme or 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    maxLength: 200,
    detect: (detection) => detection.registry,
    default: ({ answers }) => `ghcr.io/${answers.name ?? 'app'}`,
  }),
  text({
    name: 'domain',
    description: 'Public DNS name of production; the other environments get a sub-domain of it (staging.DOMAIN)',
    message: 'Production domain',
    pattern: /^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    patternHint: 'a lowercase fully qualified domain name such as shop.example.com',
    maxLength: 253,
    default: ({ answers }) => `${answers.name ?? 'app'}.example.com`,
  }),
  text({
    name: 'region',
    description: "Cloud region the environments run in (AWS eu-west-1, Google Cloud europe-west1, Azure westeurope)",
    message: 'Cloud region',
    pattern: /^[a-z]{2,}(-[a-z]+)*-?[0-9]*$/,
    patternHint: 'a region name of the chosen cloud, such as eu-west-1 (AWS), europe-west1 (Google Cloud) or westeurope (Azure)',
    maxLength: 32,
    detect: (detection) => regionOfRegistry(detection.registry),
    default: ({ answers }) => ({ aws: 'eu-west-1', gcp: 'europe-west1', azure: 'westeurope' })[answers.cloud as 'aws' | 'gcp' | 'azure'] ?? 'eu-west-1',
    check: (value, answers) => {
      const shapes: Record<string, [RegExp, string]> = {
        aws: [/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/, 'an AWS region such as eu-west-1 or us-east-2'],
        gcp: [/^[a-z]+-[a-z]+[0-9]$/, 'a Google Cloud region such as europe-west1 or us-central1'],
        azure: [/^[a-z]+[0-9]?$/, 'an Azure region name such as westeurope or eastus2'],
      };
      const shape = shapes[answers.cloud as string];
      return shape && !shape[0].test(value) ? `'${value}' is not a region of ${answers.cloud}: use ${shape[1]}` : undefined;
    },
  }),
  text({
    name: 'repository',
    description: 'Path of this repository on its CI platform (owner/name, or group/subgroup/project on GitLab): the only repository the cloud trusts to deploy',
    message: 'Repository path (owner/name)',
    pattern: /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)+$/,
    patternHint: 'a lowercase repository path such as acme/shop or group/subgroup/shop',
    maxLength: 200,
    detect: (detection) => detection.repository,
    default: ({ answers }) => {
      const namespace = /^(ghcr\.io|docker\.io|quay\.io)\/([a-z0-9._-]+)/.exec(answers.registry ?? '')?.[2];
      return `${namespace ?? answers.name ?? 'app'}/${answers.name ?? 'app'}`;
    },
  }),
  text({
    name: 'ingressClass',
    description:
      'IngressClass of the NGINX ingress controller that serves the Kubernetes environments (nginx for ingress-nginx, webapprouting.kubernetes.azure.com for AKS application routing)',
    message: 'Ingress class (Kubernetes)',
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    patternHint: 'a lowercase IngressClass name such as nginx or webapprouting.kubernetes.azure.com',
    maxLength: 253,
    default: () => 'nginx',
  }),
  text({
    name: 'team',
    description: 'Owning team, used in labels, CODEOWNERS-style metadata and alert routing',
    message: 'Owning team',
    pattern: dnsLabel,
    patternHint: dnsLabelHint,
    maxLength: 63,
    default: () => 'platform',
  }),
  text({
    name: 'coverageThreshold',
    description: 'Minimum line coverage, in percent, below which a service\'s test job fails the pipeline',
    message: 'Minimum test coverage (%)',
    pattern: /^(100|[1-9]?[0-9])$/,
    patternHint: 'a whole number from 0 to 100, such as 80',
    maxLength: 3,
    default: () => '80',
  }),
  text({
    name: 'deployFreeze',
    description: 'Weekly window in which production deploys stop unless someone records a reason (\'none\' for no freeze)',
    message: 'Production deploy freeze (weekly window)',
    pattern: /^(none|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01][0-9]|2[0-3]):[0-5][0-9] - (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01][0-9]|2[0-3]):[0-5][0-9])$/,
    patternHint: "a weekly window such as 'Fri 12:00 - Mon 06:00', or 'none'",
    maxLength: 23,
    default: () => 'Fri 12:00 - Mon 06:00',
  }),
  text({
    name: 'timezone',
    description: 'IANA time zone of the deploy freeze window (e.g. Europe/Berlin)',
    message: 'Time zone of the freeze window',
    pattern: /^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/,
    patternHint: 'an IANA time zone name such as UTC, Europe/Berlin or America/New_York',
    maxLength: 64,
    default: () => 'UTC',
    check: (value) =>
      Intl.supportedValuesOf('timeZone').includes(value) || value === 'UTC'
        ? undefined
        : `'${value}' is not a time zone this system knows; use an IANA name such as Europe/Berlin`,
  }),
  text({
    name: 'sloObjective',
    description: 'Service level objective, in percent of requests over 30 days, for availability (non-5xx) and latency (under latencyThreshold); the burn-rate alerts spend its error budget',
    message: 'SLO objective (%)',
    pattern: /^9[5-9](\.[0-9]{1,3})?$/,
    patternHint: 'a percentage from 95 to 99.999, such as 99.9 (below 95 the fast burn-rate alert could never fire)',
    maxLength: 6,
    default: () => '99.9',
  }),
  text({
    name: 'errorRateThreshold',
    description: 'Share of requests answered with a 5xx, in percent over 5 minutes, above which a service alerts',
    message: 'Error-rate alert threshold (%)',
    pattern: /^(0\.[0-9]{0,2}[1-9]|[1-9](\.[0-9]{1,2})?|[1-4][0-9](\.[0-9]{1,2})?|50)$/,
    patternHint: 'a percentage above 0 and at most 50, such as 1 or 0.5',
    maxLength: 5,
    default: () => '1',
  }),
  choice({
    name: 'latencyThreshold',
    description: 'p95 request duration, in seconds, above which a service alerts; also the latency SLO\'s bound (a bucket bound both OpenTelemetry\'s and the Prometheus clients\' default histograms have)',
    message: 'Latency alert threshold (p95, seconds)',
    choices: [
      { value: '0.1', label: '100 ms' },
      { value: '0.25', label: '250 ms' },
      { value: '0.5', label: '500 ms' },
      { value: '1', label: '1 s' },
      { value: '2.5', label: '2.5 s' },
      { value: '5', label: '5 s' },
    ],
    default: () => '1',
  }),
  text({
    name: 'cpuThreshold',
    description: 'CPU use, in percent of the container\'s limit over 5 minutes, above which a service alerts',
    message: 'CPU alert threshold (% of limit)',
    pattern: /^([1-9]|[1-9][0-9])$/,
    patternHint: 'a whole percentage from 1 to 99, such as 80',
    maxLength: 2,
    default: () => '80',
  }),
  text({
    name: 'memoryThreshold',
    description: 'Memory working set, in percent of the container\'s limit, above which a service alerts',
    message: 'Memory alert threshold (% of limit)',
    pattern: /^([1-9]|[1-9][0-9])$/,
    patternHint: 'a whole percentage from 1 to 99, such as 90',
    maxLength: 2,
    default: () => '90',
  }),
  text({
    name: 'diskFreeThreshold',
    description: 'Free space, in percent of a filesystem or volume, below which it alerts',
    message: 'Free-disk alert threshold (%)',
    pattern: /^([1-9]|[1-9][0-9])$/,
    patternHint: 'a whole percentage from 1 to 99, such as 20',
    maxLength: 2,
    default: () => '20',
  }),
  text({
    name: 'certificateExpiryDays',
    description: 'Days before a TLS certificate expires at which it alerts (a warning; critical at half of it)',
    message: 'Certificate expiry alert (days)',
    pattern: /^([2-9]|[1-8][0-9]|90)$/,
    patternHint: 'a whole number of days from 2 to 90, such as 14',
    maxLength: 2,
    default: () => '14',
  }),
  text({
    name: 'maintenanceWindow',
    description: "Weekly window, in the timezone option's zone, in which warning notifications are muted (critical pages never are); 'none' for no window",
    message: 'Maintenance window muting warnings (weekly window)',
    pattern: /^(none|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01][0-9]|2[0-3]):[0-5][0-9] - (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01][0-9]|2[0-3]):[0-5][0-9])$/,
    patternHint: "a weekly window such as 'Sun 02:00 - Sun 04:00', or 'none'",
    maxLength: 23,
    default: () => 'none',
  }),
] as const;

export const optionNames = catalog.map((option) => option.name);

/**
 * The monitoring stack beside compose (orchestration none): Prometheus, Alertmanager, Grafana, the blackbox
 * exporter, node-exporter and cAdvisor for the host and its containers, and one exporter per datastore, in
 * compose.monitoring.yaml; the scrape configuration they share; and the script that prepares their
 * credential files from the datastores' own.
 */
import type { MonitoredDatastore, MonitoringFacts } from '../../monitoring/facts.js';
import { imageRef } from '../../versions/index.js';

/** Credential files of the monitoring stack, under secrets/ (git-ignored). */
export const monitoringSecrets = {
  grafanaPassword: 'grafana-admin-password.txt',
  receiversFolder: 'alertmanager',
} as const;

export interface ExporterService {
  name: string;
  image: string;
  port: number;
  comment: string;
  environment: Record<string, string>;
  command: string[];
  /** compose secrets (the datastore's password files) it reads under /run/secrets. */
  secrets: string[];
  /** A file under secrets/ that monitoring-secrets.sh writes for it, and where it is mounted or read. */
  credentialFile?: { file: string; mount?: string; envFile?: boolean };
  /** What monitoring-secrets.sh writes into that file from the datastore's password file (under secrets/). */
  script?: string;
  passwordFile?: string;
  dependsOn: string;
}

/** How each exporter reads the application user's password: from a file, never from the compose file. */
const exporterService = (store: MonitoredDatastore): ExporterService => {
  const base = { name: store.exporter.job, image: store.exporter.image, port: store.exporter.port, dependsOn: store.host };
  const password = store.secrets[0];
  switch (store.engine) {
    case 'postgres':
      return {
        ...base,
        comment: `${store.label} metrics (connections, transactions, locks, replication) as the application user.`,
        environment: {
          DATA_SOURCE_URI: `${store.host}:${store.port}/${store.database}?sslmode=disable`,
          DATA_SOURCE_USER: store.user ?? '',
          DATA_SOURCE_PASS_FILE: `/run/secrets/${password}`,
        },
        command: [],
        secrets: [password],
      };
    case 'mysql':
      return {
        ...base,
        comment: `${store.label} metrics (threads, queries, InnoDB, replication) as the application user.`,
        environment: {},
        command: ['--config.my-cnf=/etc/mysqld-exporter/my.cnf', `--mysqld.address=${store.host}:${store.port}`],
        secrets: [],
        credentialFile: { file: 'mysqld-exporter.cnf', mount: '/etc/mysqld-exporter/my.cnf' },
        passwordFile: `${password}.txt`,
        script: `write_file mysqld-exporter.cnf "[client]\\nuser=${store.user}\\npassword=$(cat "$dir/${password}.txt")\\n"`,
      };
    case 'mongodb':
      return {
        ...base,
        comment: `${store.label} metrics (connections, operations, replication) as the application user.`,
        environment: {},
        command: ['--collect-all', '--compatible-mode', `--mongodb.uri=mongodb://${store.host}:${store.port}/admin`],
        secrets: [],
        credentialFile: { file: 'mongodb-exporter.env', envFile: true },
        passwordFile: `${password}.txt`,
        script: `write_file mongodb-exporter.env "MONGODB_USER=${store.user}\\nMONGODB_PASSWORD=$(cat "$dir/${password}.txt")\\n"`,
      };
    case 'redis':
      return {
        ...base,
        comment: `${store.label} metrics (clients, memory, keyspace hits and misses, evictions).`,
        environment: { REDIS_ADDR: `redis://${store.host}:${store.port}` },
        command: ['--redis.password-file=/etc/redis-exporter/passwords.json'],
        secrets: [],
        credentialFile: { file: 'redis-exporter.json', mount: '/etc/redis-exporter/passwords.json' },
        passwordFile: `${password}.txt`,
        script: `write_file redis-exporter.json "{\\"redis://${store.host}:${store.port}\\": \\"$(cat "$dir/${password}.txt")\\"}\\n"`,
      };
  }
};

export interface ScrapeJob {
  name: string;
  target: string;
  metricsPath: string;
  comment: string;
}

export interface PrometheusConfig {
  project: string;
  alertmanager: string;
  blackbox: string;
  jobs: ScrapeJob[];
  probes: { service: string; environment: string; url: string }[];
}

export const ports = { prometheus: 9090, alertmanager: 9093, grafana: 3000, blackbox: 9115, nodeExporter: 9100, cadvisor: 8080 } as const;

/** What the compose stack's Prometheus scrapes: every job the rules select, by compose service name. */
export const prometheusConfig = (facts: MonitoringFacts): PrometheusConfig => ({
  project: facts.project,
  alertmanager: `alertmanager:${ports.alertmanager}`,
  blackbox: `blackbox-exporter:${ports.blackbox}`,
  jobs: [
    ...facts.services
      .filter((service) => service.exposesMetrics)
      .map((service) => ({ name: service.job, target: `${service.name}:${service.port}`, metricsPath: service.metricsPath!, comment: `${service.name}: its HTTP server metrics (docs/monitoring.md, the metric contract).` })),
    ...facts.datastores.map((store) => ({ name: store.exporter.job, target: `${store.exporter.job}:${store.exporter.port}`, metricsPath: '/metrics', comment: `${store.label} through ${store.exporter.name}.` })),
    { name: 'node-exporter', target: `node-exporter:${ports.nodeExporter}`, metricsPath: '/metrics', comment: "The host's CPU, memory, filesystems and network." },
    { name: 'cadvisor', target: `cadvisor:${ports.cadvisor}`, metricsPath: '/metrics', comment: "Each container's CPU, memory, restarts and network, with its limits." },
  ],
  probes: facts.environments.flatMap((environment) => environment.probes.map((probe) => ({ ...probe, environment: environment.name }))),
});

export const composeData = (facts: MonitoringFacts) => ({
  project: facts.project,
  exporters: facts.datastores.map(exporterService),
  ports,
  images: {
    prometheus: imageRef('prometheus'),
    alertmanager: imageRef('alertmanager'),
    grafana: imageRef('grafana'),
    blackbox: imageRef('blackbox-exporter'),
    nodeExporter: imageRef('node-exporter'),
    cadvisor: imageRef('cadvisor'),
  },
  secrets: monitoringSecrets,
  retention: `${facts.production.logRetentionDays}d`,
});

/**
 * The datastore exporters on Kubernetes. The datastores are the cloud's managed instances, outside the
 * cluster; one exporter per engine runs in each environment's namespace (so its series carry the namespace the
 * dashboards and alerts select, as the services' do), scraped through a PodMonitor, with the connection it needs
 * synced from a secret manager entry of its own: a monitoring user with read-only grants, never the
 * application's credentials (docs/monitoring.md says how to create it).
 */
import type { MonitoredDatastore, MonitoringFacts } from '../../monitoring/facts.js';
import type { StackModel } from '../../model/types.js';
import { secretManagerEntry, secretStoreName } from '../../plan/naming.js';

/** The keys of an exporter's secret manager entry, which reach it as environment variables. */
export interface ExporterKey {
  name: string;
  /** What the value looks like, for the docs. */
  example: string;
}

export interface KubernetesExporter {
  job: string;
  engine: MonitoredDatastore['engine'];
  label: string;
  image: string;
  port: number;
  /** The datastore's port, which the exporter's NetworkPolicy lets it reach. */
  datastorePort: number;
  args: string[];
  keys: ExporterKey[];
  /** The SQL or commands that create the monitoring user, for the docs (Redis's managed services have none). */
  grants?: { language: string; lines: string[] };
}

/**
 * Per engine: how the exporter reads its connection (environment variables only: the images need no file),
 * and the least privilege its user needs. TLS as the services connect (encrypted; the managed instances'
 * certificates are not in the images' trust stores).
 */
const engineSpec = (store: MonitoredDatastore): Pick<KubernetesExporter, 'args' | 'keys' | 'grants'> => {
  switch (store.engine) {
    case 'postgres':
      return {
        args: [],
        keys: [{ name: 'DATA_SOURCE_NAME', example: `postgresql://monitoring:PASSWORD@HOST:${store.port}/postgres?sslmode=require` }],
        grants: {
          language: 'sql',
          lines: ["CREATE ROLE monitoring WITH LOGIN PASSWORD 'PASSWORD' CONNECTION LIMIT 3;", 'GRANT pg_monitor TO monitoring;'],
        },
      };
    case 'mysql':
      return {
        // Kubernetes expands $(NAME) from the container's environment, which the entry's keys fill.
        args: ['--mysqld.address=$(MYSQLD_ADDRESS)', '--mysqld.username=$(MYSQLD_USERNAME)', '--tls.insecure-skip-verify'],
        keys: [
          { name: 'MYSQLD_ADDRESS', example: `HOST:${store.port}` },
          { name: 'MYSQLD_USERNAME', example: 'monitoring' },
          { name: 'MYSQLD_EXPORTER_PASSWORD', example: 'PASSWORD' },
        ],
        grants: {
          language: 'sql',
          lines: ["CREATE USER 'monitoring'@'%' IDENTIFIED BY 'PASSWORD' WITH MAX_USER_CONNECTIONS 3;", "GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'monitoring'@'%';"],
        },
      };
    case 'mongodb':
      return {
        args: ['--collect-all', '--compatible-mode'],
        keys: [{ name: 'MONGODB_URI', example: `mongodb://monitoring:PASSWORD@HOST:${store.port}/admin?tls=true` }],
        grants: {
          language: 'javascript',
          lines: [
            'db.getSiblingDB("admin").createUser({',
            '  user: "monitoring",',
            '  pwd: "PASSWORD",',
            '  roles: [',
            '    { role: "clusterMonitor", db: "admin" },',
            '    { role: "read", db: "local" },',
            '  ],',
            '});',
          ],
        },
      };
    case 'redis':
      return {
        args: [],
        keys: [
          { name: 'REDIS_ADDR', example: `rediss://HOST:${store.port}` },
          { name: 'REDIS_PASSWORD', example: 'the AUTH token' },
        ],
      };
  }
};

export const kubernetesExporters = (facts: MonitoringFacts): KubernetesExporter[] =>
  facts.datastores.map((store) => ({
    job: store.exporter.job,
    engine: store.engine,
    label: store.label,
    image: store.exporter.image,
    port: store.exporter.port,
    datastorePort: store.port,
    ...engineSpec(store),
  }));

export const exportersLayout = {
  base: 'monitoring/kubernetes/exporters/base',
  overlay: (environment: string) => `monitoring/kubernetes/exporters/${environment}`,
} as const;

/** The secret manager entry of an exporter in one environment. */
export const exporterEntry = (model: StackModel, environment: string, job: string): string => secretManagerEntry(model.config, environment, job);

export const exporterSecretStore = (model: StackModel): string => secretStoreName(model.config);

/**
 * Retention in Elasticsearch: an ILM policy per environment (hot with rollover, then deleted after the
 * environment's log retention), and index templates that give each environment's logs and metrics data streams
 * their policy. The templates compose the same component templates as Elasticsearch's built-in OpenTelemetry
 * templates (`logs-otel@template`, `metrics-otel@template`, priority 120), so the mappings stay those the
 * exporter's OTel mode expects, at a higher priority so that they win for this project's data streams.
 */
import type { MonitoringFacts } from '../../../monitoring/facts.js';
import { dataStream } from './data.js';

export interface ElasticsearchBody {
  /** Path under monitoring/elk/elasticsearch/. */
  file: string;
  /** The API that takes it: `PUT <api>`. */
  api: string;
  body: Record<string, unknown>;
}

const composition = {
  logs: {
    composed_of: ['logs@mappings', 'logs@settings', 'otel@mappings', 'logs-otel@mappings', 'semconv-resource-to-ecs@mappings', 'logs@custom', 'logs-otel@custom', 'ecs@mappings'],
    ignore_missing_component_templates: ['logs@custom', 'logs-otel@custom'],
    settings: {},
  },
  metrics: {
    composed_of: ['metrics@tsdb-settings', 'otel@mappings', 'metrics-otel@mappings', 'semconv-resource-to-ecs@mappings', 'metrics@custom', 'metrics-otel@custom', 'ecs-tsdb@mappings'],
    ignore_missing_component_templates: ['metrics@custom', 'metrics-otel@custom'],
    // The built-in template's own setting: OTel metrics are time series data streams.
    settings: { 'index.mode': 'time_series' },
  },
} as const;

export const policyName = (facts: MonitoringFacts, environment: string) => `${facts.project}-${environment}`;

export const ilmPolicies = (facts: MonitoringFacts): (ElasticsearchBody & { environment: string; days: number })[] =>
  facts.environments.map((environment) => ({
    file: `ilm/${environment.name}.json`,
    api: `_ilm/policy/${policyName(facts, environment.name)}`,
    environment: environment.name,
    days: environment.logRetentionDays,
    body: {
      policy: {
        _meta: { description: `${facts.project} ${environment.name}: logs and metrics kept ${environment.logRetentionDays} days. Managed by phase4 (monitoring/elk).`, managed_by: 'phase4' },
        phases: {
          hot: { min_age: '0ms', actions: { rollover: { max_age: '1d', max_primary_shard_size: '50gb' } } },
          delete: { min_age: `${environment.logRetentionDays}d`, actions: { delete: {} } },
        },
      },
    },
  }));

/**
 * One template per environment and type (priority 250), and one for any other namespace of the project's
 * data streams (priority 240: the nodes' and hosts' own metrics), kept as long as production's.
 */
export const indexTemplates = (facts: MonitoringFacts): (ElasticsearchBody & { pattern: string; policy: string })[] =>
  (['logs', 'metrics'] as const).flatMap((type) => [
    ...facts.environments.map((environment) => ({ name: `${facts.project}-${type}-${environment.name}`, pattern: dataStream(facts, type, environment), policy: policyName(facts, environment.name), priority: 250 })),
    { name: `${facts.project}-${type}`, pattern: dataStream(facts, type), policy: policyName(facts, facts.production.name), priority: 240 },
  ].map((template) => ({
    file: `index-templates/${template.name}.json`,
    api: `_index_template/${template.name}`,
    pattern: template.pattern,
    policy: template.policy,
    body: {
      index_patterns: [template.pattern],
      priority: template.priority,
      data_stream: {},
      composed_of: [...composition[type].composed_of],
      ignore_missing_component_templates: [...composition[type].ignore_missing_component_templates],
      template: { settings: { ...composition[type].settings, 'index.lifecycle.name': template.policy } },
      _meta: { description: `${facts.project} ${type} (${template.pattern}). Managed by phase4 (monitoring/elk).`, managed_by: 'phase4' },
    },
  })));

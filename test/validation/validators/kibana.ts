/**
 * The Elastic stack's API bodies (monitoring/elk) against JSON Schemas written here from Kibana's and
 * Elasticsearch's documented APIs:
 * - rules: `POST /api/alerting/rule/{id}` (name, rule_type_id, consumer, schedule, params required; tags,
 *   enabled, actions, alert_delay optional; nothing else), with the params of each rule type phase4 writes as
 *   Kibana's own params schemas declare them (`customThresholdParamsSchema`, `sloBurnRateParamsSchema`) and the
 *   action groups each type defines;
 * - SLOs: `POST /api/observability/slos` (the custom metric and histogram indicators);
 * - the maintenance window: `POST /api/maintenance_window` (Kibana 9.1's public API);
 * - ILM policies (`PUT _ilm/policy`) and index templates (`PUT _index_template`);
 * - saved objects (NDJSON of `POST /api/saved_objects/_import`): one object a line, with type, id, attributes.
 * No Kibana runs here: this proves the bodies' shape, not that Kibana accepts every value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Validator } from './types.js';

const duration = { type: 'object', additionalProperties: false, required: ['value', 'unit'], properties: { value: { type: 'number', exclusiveMinimum: 0 }, unit: { enum: ['m', 'h', 'd'] } } };

const customThresholdParams = {
  type: 'object',
  required: ['criteria', 'searchConfiguration'],
  additionalProperties: false,
  properties: {
    criteria: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['comparator', 'threshold', 'timeSize', 'timeUnit', 'metrics'],
        properties: {
          comparator: { enum: ['>', '>=', '<', '<=', 'between', 'outside'] },
          threshold: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'number' } },
          timeSize: { type: 'integer', minimum: 1 },
          timeUnit: { enum: ['s', 'm', 'h', 'd'] },
          aggType: { const: 'custom' },
          metrics: {
            type: 'array',
            minItems: 1,
            items: {
              oneOf: [
                { type: 'object', additionalProperties: false, required: ['name', 'aggType'], properties: { name: { type: 'string', pattern: '^[A-Z]$' }, aggType: { const: 'count' }, filter: { type: 'string' } } },
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['name', 'aggType', 'field'],
                  properties: { name: { type: 'string', pattern: '^[A-Z]$' }, aggType: { enum: ['avg', 'sum', 'max', 'min', 'cardinality', 'p95', 'p99', 'rate', 'last_value'] }, field: { type: 'string', minLength: 1 }, filter: { type: 'string' } },
                },
              ],
            },
          },
          // Arithmetic over the metrics' names only.
          equation: { type: 'string', pattern: '^[A-Z0-9 .+\\-*/()]+$' },
          label: { type: 'string' },
        },
      },
    },
    groupBy: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    alertOnNoData: { type: 'boolean' },
    alertOnGroupDisappear: { type: 'boolean' },
    searchConfiguration: {
      type: 'object',
      additionalProperties: false,
      required: ['index', 'query'],
      properties: {
        index: { type: 'string', minLength: 1 },
        query: { type: 'object', additionalProperties: false, required: ['query', 'language'], properties: { query: { type: 'string' }, language: { enum: ['kuery', 'lucene'] } } },
      },
    },
  },
};

const burnRateGroups = ['slo.burnRate.alert', 'slo.burnRate.high', 'slo.burnRate.medium', 'slo.burnRate.low'];

const burnRateParams = {
  type: 'object',
  required: ['sloId', 'windows'],
  additionalProperties: false,
  properties: {
    sloId: { type: 'string', minLength: 1 },
    windows: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'burnRateThreshold', 'maxBurnRateThreshold', 'longWindow', 'shortWindow', 'actionGroup'],
        properties: {
          id: { type: 'string' },
          burnRateThreshold: { type: 'number', exclusiveMinimum: 0 },
          maxBurnRateThreshold: { type: ['number', 'null'] },
          longWindow: duration,
          shortWindow: duration,
          actionGroup: { enum: burnRateGroups },
        },
      },
    },
    dependencies: { type: 'array' },
  },
};

/** The rule types phase4 writes, their params and the action groups each defines (plus `recovered`). */
export const ruleTypes = {
  'observability.rules.custom_threshold': { params: customThresholdParams, groups: ['custom_threshold.fired', 'custom_threshold.nodata', 'recovered'], consumers: ['logs', 'infrastructure', 'observability', 'alerts'] },
  'slo.rules.burnRate': { params: burnRateParams, groups: [...burnRateGroups, 'recovered'], consumers: ['slo', 'observability', 'alerts'] },
} as const;

const action = {
  type: 'object',
  additionalProperties: false,
  required: ['group', 'id', 'params'],
  properties: {
    group: { type: 'string' },
    id: { type: 'string', minLength: 1 },
    params: { type: 'object' },
    uuid: { type: 'string' },
    frequency: {
      type: 'object',
      additionalProperties: false,
      required: ['summary', 'notify_when', 'throttle'],
      properties: { summary: { type: 'boolean' }, notify_when: { enum: ['onActionGroupChange', 'onActiveAlert', 'onThrottleInterval'] }, throttle: { type: ['string', 'null'] } },
    },
    alerts_filter: { type: 'object' },
    use_alert_data_for_template: { type: 'boolean' },
  },
};

export const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'rule_type_id', 'consumer', 'schedule', 'params'],
  properties: {
    name: { type: 'string', minLength: 1 },
    rule_type_id: { enum: Object.keys(ruleTypes) },
    consumer: { type: 'string' },
    enabled: { type: 'boolean' },
    schedule: { type: 'object', additionalProperties: false, required: ['interval'], properties: { interval: { type: 'string', pattern: '^[1-9][0-9]*[smhd]$' } } },
    tags: { type: 'array', items: { type: 'string' } },
    throttle: { type: ['string', 'null'] },
    notify_when: { enum: ['onActionGroupChange', 'onActiveAlert', 'onThrottleInterval', null] },
    alert_delay: { type: 'object', additionalProperties: false, required: ['active'], properties: { active: { type: 'integer', minimum: 1 } } },
    flapping: { type: 'object' },
    actions: { type: 'array', items: action },
    params: { type: 'object' },
  },
  allOf: Object.entries(ruleTypes).map(([id, type]) => ({
    if: { properties: { rule_type_id: { const: id } } },
    then: {
      properties: {
        consumer: { enum: type.consumers },
        params: type.params,
        actions: { items: { properties: { group: { enum: type.groups } } } },
      },
    },
  })),
};

const sliMetric = { type: 'object', additionalProperties: false, required: ['name', 'aggregation', 'field'], properties: { name: { type: 'string', pattern: '^[A-Z]$' }, aggregation: { enum: ['sum', 'doc_count'] }, field: { type: 'string' }, filter: { type: 'string' } } };
const sliSide = { type: 'object', additionalProperties: false, required: ['metrics', 'equation'], properties: { metrics: { type: 'array', minItems: 1, items: sliMetric }, equation: { type: 'string' } } };
const histogramSide = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'aggregation'],
  properties: { field: { type: 'string' }, aggregation: { enum: ['value_count', 'range'] }, from: { type: 'number' }, to: { type: 'number' }, filter: { type: 'string' } },
  if: { properties: { aggregation: { const: 'range' } } },
  then: { required: ['from', 'to'] },
};

export const sloSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'indicator', 'timeWindow', 'budgetingMethod', 'objective'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9_-]{8,36}$' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    indicator: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'params'],
          properties: {
            type: { const: 'sli.metric.custom' },
            params: { type: 'object', additionalProperties: false, required: ['index', 'timestampField', 'good', 'total'], properties: { index: { type: 'string' }, timestampField: { type: 'string' }, filter: { type: 'string' }, dataViewId: { type: 'string' }, good: sliSide, total: sliSide } },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'params'],
          properties: {
            type: { const: 'sli.histogram.custom' },
            params: { type: 'object', additionalProperties: false, required: ['index', 'timestampField', 'good', 'total'], properties: { index: { type: 'string' }, timestampField: { type: 'string' }, filter: { type: 'string' }, dataViewId: { type: 'string' }, good: histogramSide, total: histogramSide } },
          },
        },
      ],
    },
    timeWindow: { type: 'object', additionalProperties: false, required: ['duration', 'type'], properties: { duration: { enum: ['7d', '30d', '90d'] }, type: { enum: ['rolling', 'calendarAligned'] } } },
    budgetingMethod: { enum: ['occurrences', 'timeslices'] },
    objective: { type: 'object', additionalProperties: false, required: ['target'], properties: { target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, timesliceTarget: { type: 'number' }, timesliceWindow: { type: 'string' } } },
    settings: { type: 'object' },
    tags: { type: 'array', items: { type: 'string' } },
    groupBy: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  },
};

export const ilmSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['policy'],
  properties: {
    policy: {
      type: 'object',
      additionalProperties: false,
      required: ['phases'],
      properties: {
        _meta: { type: 'object' },
        phases: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(
            ['hot', 'warm', 'cold', 'frozen', 'delete'].map((phase) => [phase, { type: 'object', additionalProperties: false, required: ['actions'], properties: { min_age: { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$' }, actions: { type: 'object' } } }]),
          ),
        },
      },
    },
  },
};

export const indexTemplateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['index_patterns'],
  properties: {
    index_patterns: { type: 'array', minItems: 1, items: { type: 'string' } },
    priority: { type: 'integer', minimum: 0 },
    data_stream: { type: 'object' },
    composed_of: { type: 'array', items: { type: 'string' } },
    ignore_missing_component_templates: { type: 'array', items: { type: 'string' } },
    template: { type: 'object', additionalProperties: false, properties: { settings: { type: 'object' }, mappings: { type: 'object' }, aliases: { type: 'object' }, lifecycle: { type: 'object' } } },
    allow_auto_create: { type: 'boolean' },
    version: { type: 'integer' },
    _meta: { type: 'object' },
  },
};

export const maintenanceWindowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'schedule'],
  properties: {
    title: { type: 'string', minLength: 1 },
    enabled: { type: 'boolean' },
    schedule: {
      type: 'object',
      additionalProperties: false,
      required: ['custom'],
      properties: {
        custom: {
          type: 'object',
          additionalProperties: false,
          required: ['start', 'duration'],
          properties: {
            start: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z$' },
            duration: { type: 'string', pattern: '^[1-9][0-9]*[dhms]$' },
            timezone: { type: 'string' },
            recurring: {
              type: 'object',
              additionalProperties: false,
              properties: {
                end: { type: 'string' },
                every: { type: 'string', pattern: '^[1-9][0-9]*[dwMy]$' },
                onWeekDay: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^([+-][1-5])?(MO|TU|WE|TH|FR|SA|SU)$' } },
                onMonthDay: { type: 'array', items: { type: 'integer' } },
                onMonth: { type: 'array', items: { type: 'integer' } },
                occurrences: { type: 'integer', minimum: 1 },
              },
            },
          },
        },
      },
    },
    scope: {
      type: 'object',
      additionalProperties: false,
      required: ['alerting'],
      properties: { alerting: { type: 'object', additionalProperties: false, required: ['query'], properties: { query: { type: 'object', additionalProperties: false, required: ['kql'], properties: { kql: { type: 'string' } } } } } },
    },
  },
};

const savedObjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'id', 'attributes', 'references'],
  properties: {
    type: { enum: ['index-pattern', 'lens', 'dashboard'] },
    id: { type: 'string', minLength: 1 },
    typeMigrationVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' },
    coreMigrationVersion: { type: 'string' },
    attributes: { type: 'object', required: ['title'] },
    references: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['type', 'id', 'name'], properties: { type: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } } } },
  },
};

let compiled: Record<string, ValidateFunction> | undefined;
const validators = () => {
  if (!compiled) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    compiled = {
      rule: ajv.compile(ruleSchema),
      slo: ajv.compile(sloSchema),
      ilm: ajv.compile(ilmSchema),
      template: ajv.compile(indexTemplateSchema),
      savedObject: ajv.compile(savedObjectSchema),
      maintenanceWindow: ajv.compile(maintenanceWindowSchema),
    };
  }
  return compiled;
};

const kindOf = (file: string): keyof ReturnType<typeof validators> | 'ndjson' | undefined => {
  if (file.endsWith('.ndjson')) return 'ndjson';
  // Under kibana/rules/, or a lone sample named *.rule.json.
  if (/\/kibana\/rules\/[^/]+\.json$|\.rule\.json$/.test(file)) return 'rule';
  if (/\/kibana\/slos\/[^/]+\.json$/.test(file)) return 'slo';
  if (/\/kibana\/maintenance-window\.json$/.test(file)) return 'maintenanceWindow';
  if (/\/elasticsearch\/ilm\/[^/]+\.json$/.test(file)) return 'ilm';
  if (/\/elasticsearch\/index-templates\/[^/]+\.json$/.test(file)) return 'template';
  return undefined;
};

/** The problems of one body: JSON syntax, then its schema; `where` names it in the messages. */
export const bodyProblems = (kind: keyof ReturnType<typeof validators>, body: unknown, where: string): string[] => {
  const validate = validators()[kind];
  return validate(body) ? [] : (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
};

export const kibanaApiBodies: Validator = {
  name: 'Kibana and Elasticsearch API bodies (JSON Schemas of the documented APIs)',
  monitoring: ['elk'],
  applies: (file) => /^monitoring\/elk\/(kibana\/(rules|slos)\/[^/]+\.json|kibana\/[^/]+\.ndjson|kibana\/maintenance-window\.json|elasticsearch\/(ilm|index-templates)\/[^/]+\.json)$/.test(file),
  mustReject: { path: 'broken.rule.json', contents: '{"name": "x", "rule_type_id": "observability.rules.custom_threshold", "consumer": "logs", "schedule": {"interval": "1m"}, "params": {"criteria": []}}\n' },
  check: (files) =>
    files.flatMap((file) => {
      const kind = kindOf(file);
      const where = path.basename(path.dirname(file)) + '/' + path.basename(file);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        return [`${where}: ${(error as Error).message}`];
      }
      const parse = (source: string, at: string): { value?: unknown; problem?: string } => {
        try {
          return { value: JSON.parse(source) };
        } catch (error) {
          return { problem: `${at}: ${(error as Error).message}` };
        }
      };
      if (kind === 'ndjson') {
        return text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .flatMap((line, index) => {
            const parsed = parse(line, `${where}:${index + 1}`);
            return parsed.problem ? [parsed.problem] : bodyProblems('savedObject', parsed.value, `${where}:${index + 1}`);
          });
      }
      if (!kind) return [`${where}: not a body this validator knows`];
      const parsed = parse(text, where);
      return parsed.problem ? [parsed.problem] : bodyProblems(kind, parsed.value, where);
    }),
};

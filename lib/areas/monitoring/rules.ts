/**
 * The Prometheus rules as data: recording rules that bring every HTTP metric scheme to one set of series, and
 * the alerts of lib/monitoring/alerts.ts with their labels and annotations; plus the promtool unit tests that
 * make each alert fire and keep it quiet. The rule file, the PrometheusRule object and the tests render these.
 */
import { yaml as quoteYaml } from '../../render/quote.js';
import { wrap } from '../../render/text.js';
import { alertsFor, type AlertDefinition } from '../../monitoring/alerts.js';
import type { MonitoringFacts } from '../../monitoring/facts.js';
import { appSelector, httpMetricSchemes, leMatcher, recorded, sloWindows, type HttpMetricScheme } from '../../monitoring/metrics.js';

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

const by = 'sum by (namespace, job)';
const fiveHundreds = (scheme: HttpMetricScheme) => `${scheme.statusLabel}=~"5.."`;

/** One expression per metric scheme, joined so that whichever a service exports is the one used. */
const anyScheme = (expression: (scheme: HttpMetricScheme) => string): string => httpMetricSchemes.map(expression).join('\nor\n');

const indent = (text: string) => text.replace(/^/gm, '  ');

/** Splits a selector's matchers at the commas between them (never inside a quoted value). */
const matchersOf = (selector: string): string[] => {
  const parts: string[] = [];
  let [current, quoted] = ['', false];
  for (let index = 0; index < selector.length; index += 1) {
    const char = selector[index];
    if (char === '"' && selector[index - 1] !== '\\') quoted = !quoted;
    if (char === ',' && !quoted) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  return [...parts, current.trim()].filter(Boolean);
};

/** Lines longer than this put each matcher of their selectors on a line of its own. */
const maxLine = 110;

/** Keeps rule files readable (and under yamllint's line length) however many services and namespaces they name. */
export const wrapSelectors = (expr: string): string =>
  expr
    .split('\n')
    .map((line) => {
      if (line.length <= maxLine) return line;
      const lead = /^\s*/.exec(line)![0];
      return line.replace(/\{([^{}]+)\}/g, (_, selector: string) => `{\n${matchersOf(selector).map((matcher) => `${lead}  ${matcher}`).join(',\n')}\n${lead}}`);
    })
    .join('\n');

const requestRate = (facts: MonitoringFacts, window: string, status?: (scheme: HttpMetricScheme) => string) =>
  anyScheme((scheme) => `${by} (rate(${scheme.count}{${appSelector(facts)}${status ? `, ${status(scheme)}` : ''}}[${window}]))`);

const fastRate = (facts: MonitoringFacts, window: string) =>
  anyScheme((scheme) => `${by} (rate(${scheme.bucket}{${appSelector(facts)}, ${leMatcher(facts.thresholds.latencySeconds)}}[${window}]))`);

const recordingGroups = (facts: MonitoringFacts): RuleGroup[] => [
  {
    name: `${facts.project}-http`,
    rules: [
      { record: recorded.requests, expr: requestRate(facts, '5m') },
      // A service that has not failed yet has no 5xx series: it records zero errors rather than none.
      { record: recorded.errors, expr: `${requestRate(facts, '5m', fiveHundreds)}\nor\n${recorded.requests} * 0` },
      {
        record: recorded.durationBuckets,
        expr: anyScheme((scheme) => `sum by (namespace, job, le) (rate(${scheme.bucket}{${appSelector(facts)}}[5m]))`),
      },
    ],
  },
  {
    name: `${facts.project}-slo`,
    rules: sloWindows.flatMap((window) => [
      {
        record: recorded.errorRatio(window),
        expr: `(\n${indent(requestRate(facts, window, fiveHundreds))}\n)\n/\n(\n${indent(requestRate(facts, window))}\n)`,
      },
      {
        record: recorded.slowRatio(window),
        expr: `1 - (\n  (\n${indent(indent(fastRate(facts, window)))}\n  )\n  /\n  (\n${indent(indent(requestRate(facts, window)))}\n  )\n)`,
      },
    ]),
  },
];

/** The anchor GitHub, GitLab and Azure Repos give the runbook's `## <Name>` heading. */
export const runbookAnchor = (alert: Pick<AlertDefinition, 'name'>): string => alert.name.toLowerCase();

/** Each alert's rule, built once per run: the rule file, the PrometheusRule, the tests and the runbook all read it. */
const builtRules = new WeakMap<MonitoringFacts, Map<AlertDefinition, Rule>>();

const alertRule = (facts: MonitoringFacts, alert: AlertDefinition): Rule => {
  let rules = builtRules.get(facts);
  if (!rules) builtRules.set(facts, (rules = new Map()));
  let rule = rules.get(alert);
  if (!rule) rules.set(alert, (rule = buildRule(facts, alert)));
  return rule;
};

const buildRule = (facts: MonitoringFacts, alert: AlertDefinition): Rule => ({
  alert: alert.name,
  expr: alert.expr(facts),
  ...(alert.for === '0m' ? {} : { for: alert.for }),
  labels: { severity: alert.severity, team: facts.team },
  annotations: { summary: alert.summary, description: alert.description(facts), runbook_url: `${facts.runbook.url}#${runbookAnchor(alert)}` },
});

const groupTitles: Record<AlertDefinition['group'], string> = {
  service: 'services',
  slo: 'slo-burn-rate',
  endpoints: 'endpoints',
  resources: 'resources',
  datastore: 'datastores',
};

/** Recording groups first: Prometheus evaluates groups independently, and alerts read what they record. */
export const ruleGroups = (facts: MonitoringFacts): RuleGroup[] => {
  const applicable = alertsFor(facts);
  const hasHttp = facts.services.some((service) => service.exposesMetrics);
  const alertGroups = (Object.keys(groupTitles) as AlertDefinition['group'][])
    .map((group) => ({ name: `${facts.project}-${groupTitles[group]}`, rules: applicable.filter((alert) => alert.group === group).map((alert) => alertRule(facts, alert)) }))
    .filter((group) => group.rules.length > 0);
  return [...(hasHttp ? recordingGroups(facts) : []), ...alertGroups].map((group) => ({
    ...group,
    rules: group.rules.map((rule) => ({ ...rule, expr: wrapSelectors(rule.expr) })),
  }));
};

/**
 * What an annotation reads once Prometheus fills in the labels: the annotations use `{{ $labels.x }}` and
 * `{{ if $labels.x }}…{{ else }}…{{ end }}` only, so the tests can state them exactly.
 */
export const expandAnnotation = (template: string, labels: Record<string, string>): string =>
  template
    .replace(/\{\{ if \$labels\.(\w+) \}\}(.*?)(?:\{\{ else \}\}(.*?))?\{\{ end \}\}/g, (_, name: string, then: string, otherwise = '') => (labels[name] ? then : otherwise))
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');

/** An annotation's text in lines for a folded YAML scalar, never breaking inside a `{{ … }}` action. */
export const foldedLines = (text: string): string[] =>
  wrap(text.replace(/\{\{.*?\}\}/g, (action) => action.replace(/ /g, '\u0001')), 100).map((line) => line.replace(/\u0001/g, ' '));

/**
 * `key: value` for a YAML mapping at this indentation (its first line may start a list item instead): quoted, or folded (`>-`) when the line would be long. A
 * folded scalar reads back as the same text: its line breaks become the spaces they replaced.
 */
export const yamlEntry = (indentation: string, key: string, value: string, firstLine = indentation): string =>
  indentation.length + key.length + value.length <= 120
    ? `${firstLine}${key}: ${quoteYaml(value)}`
    : [`${firstLine}${key}: >-`, ...foldedLines(value).map((line) => `${indentation}  ${line}`)].join('\n');

export interface RuleTest {
  name: string;
  series: { series: string; values: string }[];
  evalTime: string;
  alert: string;
  expected: { labels: Record<string, string>; annotations: Record<string, string> }[];
}

/** Two promtool cases per alert: series that make it fire, and series just on the quiet side. */
export const ruleTests = (facts: MonitoringFacts): RuleTest[] =>
  alertsFor(facts).flatMap((alert) => {
    const rule = alertRule(facts, alert);
    return (['fire', 'quiet'] as const).map((kind) => {
      const { series, at, fires } = alert[kind](facts);
      return {
        name: `${alert.name} (${alert.severity}) ${kind === 'fire' ? 'fires' : 'stays quiet'}`,
        series,
        evalTime: at,
        alert: alert.name,
        expected: fires.map((labels) => {
          const firing = alertsFor(facts).find((other) => other.name === alert.name && other.severity === (labels.severity ?? alert.severity))!;
          const own = alertRule(facts, firing);
          const all = { ...labels, ...own.labels };
          return {
            labels: all,
            annotations: Object.fromEntries(Object.entries(own.annotations!).map(([name, text]) => [name, expandAnnotation(text, { ...all, alertname: alert.name })])),
          };
        }),
      };
    });
  });

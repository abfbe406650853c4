/**
 * Grafana dashboards as data: rows of panels laid out on Grafana's 24-column grid, the three variables every
 * dashboard has (datasource, environment, service), and the dashboard envelope. The dashboards themselves
 * (dashboards.ts) only say what each panel shows; this module turns that into the JSON Grafana reads.
 */
import { createHash } from 'node:crypto';

/** The uid of the Prometheus datasource: provisioned with this uid on compose, set in kube-prometheus-stack's values on Kubernetes. */
export const prometheusUid = 'prometheus';
/** The uid of the Loki datasource (logs). */
export const lokiUid = 'loki';
/** Grafana 11's dashboard schema version. */
export const schemaVersion = 39;

/** Every panel and query reads the datasource the `datasource` variable selects. */
const panelDatasource = { type: 'prometheus', uid: '${datasource}' };

export type Unit = 'reqps' | 'percentunit' | 's' | 'bytes' | 'Bps' | 'short' | 'ops' | 'cores' | 'd' | 'pps';

export interface Query {
  expr: string;
  /** The series' name in the legend (`{{job}}`). */
  legend: string;
  /** One value at the end of the range (stat panels over a fixed window) rather than a series. */
  instant?: boolean;
}

/** A threshold the panel marks: a line on a time series, a colour on a stat. */
export interface Threshold {
  value: number;
  color: 'orange' | 'red' | 'green';
}

export interface PanelSpec {
  type: 'timeseries' | 'stat';
  title: string;
  /** Shown behind the panel's (i) icon: what the panel measures and how to read it. */
  description: string;
  unit: Unit;
  queries: Query[];
  /** Columns out of 24 (default: 12 for a time series, 6 for a stat). */
  width?: number;
  thresholds?: Threshold[];
  /** The colour below the first threshold (default green; red where low values are the bad ones). */
  baseColor?: 'green' | 'red';
  min?: number;
  max?: number;
  decimals?: number;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface VariableOption {
  text: string;
  value: string;
}

/**
 * The `environment` variable: the project's namespaces on Kubernetes (a fixed list), the compose projects of
 * the project that cAdvisor sees on compose (each host runs its own).
 */
export type EnvironmentVariable =
  | { kind: 'custom'; options: VariableOption[]; current: VariableOption; description: string }
  | { kind: 'query'; query: string; description: string };

/** The `service` variable: the jobs the recorded request series has, or a fixed list (the containers of the resources dashboard). */
export type ServiceVariable =
  | { kind: 'query'; query: string; description: string; hidden?: boolean }
  | { kind: 'custom'; options: string[]; description: string };

export interface DashboardSpec {
  /** The file name without `.json`, also the base of the uid: `<project>-services`. */
  name: string;
  title: string;
  description: string;
  project: string;
  environment: EnvironmentVariable;
  service: ServiceVariable;
  rows: RowSpec[];
  /** Time range shown when the dashboard opens (default: the last 6 hours). */
  from?: string;
}

const gridWidth = 24;
const heights = { timeseries: 8, stat: 5, row: 1 } as const;

/**
 * A uid Grafana accepts (8 to 40 characters) that stays the same across runs: `<project>-<kind>`, with a long
 * project name shortened and followed by a hash of the full name so two long names never share a uid.
 */
export const dashboardUid = (project: string, kind: string): string => {
  const plain = `${project}-${kind}`;
  if (plain.length > 40) {
    const hash = createHash('sha256').update(project).digest('hex').slice(0, 6);
    return `${project.slice(0, 40 - kind.length - hash.length - 2).replace(/-+$/, '')}-${hash}-${kind}`;
  }
  return plain.length < 8 ? `${plain}-dashboard` : plain;
};

const fieldConfig = (panel: PanelSpec) => {
  const steps = [{ color: panel.baseColor ?? 'green', value: null }, ...(panel.thresholds ?? []).map((step) => ({ color: step.color, value: step.value }))];
  return {
    defaults: {
      unit: panel.unit,
      ...(panel.min === undefined ? {} : { min: panel.min }),
      ...(panel.max === undefined ? {} : { max: panel.max }),
      ...(panel.decimals === undefined ? {} : { decimals: panel.decimals }),
      thresholds: { mode: 'absolute', steps },
      ...(panel.type === 'timeseries'
        ? { custom: { drawStyle: 'line', fillOpacity: 10, showPoints: 'never', thresholdsStyle: { mode: panel.thresholds ? 'line' : 'off' } } }
        : {}),
    },
    overrides: [],
  };
};

const options = (panel: PanelSpec) =>
  panel.type === 'timeseries'
    ? { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } }
    : { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: panel.queries.some((query) => query.instant) ? 'none' : 'area', justifyMode: 'auto', orientation: 'auto', textMode: 'auto' };

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const targets = (panel: PanelSpec) =>
  panel.queries.map((query, index) => ({
    refId: refIds[index],
    datasource: panelDatasource,
    expr: query.expr,
    legendFormat: query.legend,
    ...(query.instant ? { instant: true, range: false } : { range: true }),
  }));

/**
 * Rows one under the other; inside a row, panels left to right, wrapping to a new line when the next one would
 * pass the 24th column. Every panel gets the next id, so ids and positions never collide.
 */
const layout = (rows: RowSpec[]) => {
  const panels: Record<string, unknown>[] = [];
  let y = 0;
  let id = 1;
  for (const row of rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: heights.row, w: gridWidth, x: 0, y }, panels: [] });
    y += heights.row;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      const w = panel.width ?? (panel.type === 'stat' ? 6 : 12);
      const h = heights[panel.type];
      if (x + w > gridWidth) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push({
        id: id++,
        type: panel.type,
        title: panel.title,
        description: panel.description,
        datasource: panelDatasource,
        gridPos: { h, w, x, y },
        fieldConfig: fieldConfig(panel),
        options: options(panel),
        targets: targets(panel),
      });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return panels;
};

/** A variable whose values come from a query of the selected Prometheus, refreshed when the dashboard loads. */
const queryVariable = (name: string, label: string, description: string, query: string, hidden = false, all = false) => ({
  name,
  label,
  description,
  type: 'query',
  // A string: the dashboard JSON schema Grafana publishes (5.x) types a variable's datasource so, and Grafana resolves it as a uid.
  datasource: '${datasource}',
  query,
  definition: query,
  hide: hidden ? 2 : 0,
  includeAll: all,
  multi: all,
  sort: 1,
  regex: '',
});

const environmentVariable = (variable: EnvironmentVariable) => {
  if (variable.kind === 'query') return queryVariable('environment', 'Environment', variable.description, variable.query);
  return {
    name: 'environment',
    label: 'Environment',
    description: variable.description,
    type: 'custom',
    query: variable.options.map((option) => `${option.text} : ${option.value}`).join(','),
    current: variable.current,
    options: variable.options.map((option) => ({ ...option, selected: option.value === variable.current.value })),
    hide: 0,
    includeAll: false,
    multi: false,
  };
};

const serviceVariable = (variable: ServiceVariable) => {
  if (variable.kind === 'query') return queryVariable('service', 'Service', variable.description, variable.query, variable.hidden, true);
  return {
    name: 'service',
    label: 'Service',
    description: variable.description,
    type: 'custom',
    query: variable.options.join(','),
    current: { text: 'All', value: '$__all' },
    options: [{ text: 'All', value: '$__all', selected: true }, ...variable.options.map((option) => ({ text: option, value: option, selected: false }))],
    hide: 0,
    includeAll: true,
    multi: true,
  };
};

/** The three variables every dashboard has, in the order Grafana shows them. */
const templating = (spec: DashboardSpec) => ({
  list: [
    {
      name: 'datasource',
      label: 'Data source',
      description: 'The Prometheus that scrapes the project.',
      type: 'datasource',
      query: 'prometheus',
      current: { text: 'Prometheus', value: prometheusUid },
      hide: 0,
      includeAll: false,
      multi: false,
      regex: '',
    },
    environmentVariable(spec.environment),
    serviceVariable(spec.service),
  ],
});

/** The dashboard JSON, as Grafana's file provider and the Kubernetes sidecar read it. */
export const dashboardJson = (spec: DashboardSpec) => ({
  uid: dashboardUid(spec.project, spec.name.slice(spec.project.length + 1)),
  title: spec.title,
  description: spec.description,
  tags: [spec.project],
  timezone: 'browser',
  editable: false,
  graphTooltip: 1,
  schemaVersion,
  version: 1,
  refresh: '1m',
  time: { from: spec.from ?? 'now-6h', to: 'now' },
  templating: templating(spec),
  annotations: { list: [] },
  links: [{ title: spec.project, type: 'dashboards', tags: [spec.project], asDropdown: true, includeVars: true, keepTime: true }],
  panels: layout(spec.rows),
});

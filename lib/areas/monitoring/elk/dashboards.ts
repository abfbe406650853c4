/**
 * Kibana dashboards as saved objects (one NDJSON file for `POST /api/saved_objects/_import?overwrite=true`):
 * the two data views the rules search, a dashboard per traced service (traffic, 5xx answers, latency
 * percentiles, scrape status, pool saturation, its containers), one of the resources (CPU and memory against
 * the limits, restarts, disk) and, beside compose, one of the datastores; the panels of the Grafana dashboards
 * in their Lens form. Lens panels use plain operations (sum, percentile, max) over the fields of data.ts.
 */
import type { MonitoredService, MonitoringFacts } from '../../../monitoring/facts.js';
import { dataViews, fields } from './data.js';
import { stableUuid } from './ids.js';
import { tracedServices } from './rules.js';

interface Series {
  label: string;
  operation: 'sum' | 'max' | 'min' | 'average' | 'percentile' | 'count';
  field?: string;
  filter?: string;
  percentile?: number;
}

interface Panel {
  title: string;
  view: 'metrics' | 'logs' | 'slos';
  query: string;
  series: Series[];
  splitBy?: string;
}

interface SavedObject {
  type: string;
  id: string;
  /**
   * The version of the object's format, so that Kibana runs only the migrations written after it (without one,
   * an import runs every migration since the type's first version).
   */
  typeMigrationVersion: string;
  attributes: Record<string, unknown>;
  references: { type: string; id: string; name: string }[];
}

const lensPanel = (facts: MonitoringFacts, dashboard: string, index: number, panel: Panel): SavedObject => {
  const layerId = 'layer';
  const metricIds = panel.series.map((_, position) => `metric${position}`);
  const timeField = panel.view === 'slos' ? dataViews(facts).slos.timeField : '@timestamp';
  const columns: Record<string, unknown> = {
    time: { label: timeField, dataType: 'date', operationType: 'date_histogram', sourceField: timeField, isBucketed: true, scale: 'interval', params: { interval: 'auto' } },
  };
  panel.series.forEach((series, position) => {
    columns[metricIds[position]] = {
      label: series.label,
      customLabel: true,
      dataType: 'number',
      operationType: series.operation,
      sourceField: series.operation === 'count' ? '___records___' : series.field,
      isBucketed: false,
      scale: 'ratio',
      ...(series.percentile ? { params: { percentile: series.percentile } } : {}),
      ...(series.filter ? { filter: { query: series.filter, language: 'kuery' } } : {}),
    };
  });
  if (panel.splitBy) {
    columns.split = {
      label: `Top values of ${panel.splitBy}`,
      dataType: 'string',
      operationType: 'terms',
      sourceField: panel.splitBy,
      isBucketed: true,
      scale: 'ordinal',
      params: { size: 10, orderBy: { type: 'column', columnId: metricIds[0] }, orderDirection: 'desc', otherBucket: true, missingBucket: false },
    };
  }
  const view = dataViews(facts)[panel.view];
  return {
    type: 'lens',
    id: stableUuid(`${facts.project}/lens/${dashboard}/${index}`),
    typeMigrationVersion: '8.9.0',
    attributes: {
      title: panel.title,
      visualizationType: 'lnsXY',
      state: {
        datasourceStates: { formBased: { layers: { [layerId]: { columns, columnOrder: [...(panel.splitBy ? ['split'] : []), 'time', ...metricIds], incompleteColumns: {} } } } },
        visualization: {
          legend: { isVisible: true, position: 'right' },
          valueLabels: 'hide',
          preferredSeriesType: 'line',
          layers: [{ layerId, layerType: 'data', seriesType: 'line', xAccessor: 'time', accessors: metricIds, ...(panel.splitBy ? { splitAccessor: 'split' } : {}) }],
        },
        query: { query: panel.query, language: 'kuery' },
        filters: [],
      },
    },
    references: [{ type: 'index-pattern', id: view.id, name: `indexpattern-datasource-layer-${layerId}` }],
  };
};

const dashboard = (facts: MonitoringFacts, key: string, title: string, description: string, panels: Panel[]): SavedObject[] => {
  const lenses = panels.map((panel, index) => lensPanel(facts, key, index, panel));
  const grid = lenses.map((lens, index) => ({
    type: 'lens',
    panelIndex: String(index),
    gridData: { x: (index % 2) * 24, y: Math.floor(index / 2) * 15, w: 24, h: 15, i: String(index) },
    embeddableConfig: {},
    panelRefName: `panel_${index}`,
  }));
  return [
    ...lenses,
    {
      type: 'dashboard',
      id: stableUuid(`${facts.project}/dashboard/${key}`),
      typeMigrationVersion: '8.9.0',
      attributes: {
        title,
        description,
        panelsJSON: JSON.stringify(grid),
        optionsJSON: JSON.stringify({ useMargins: true, syncColors: false, hidePanelTitles: false }),
        timeRestore: true,
        timeFrom: 'now-24h',
        timeTo: 'now',
        refreshInterval: { pause: false, value: 60000 },
        kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }) },
      },
      references: lenses.map((lens, index) => ({ type: 'lens', id: lens.id, name: `panel_${index}` })),
    },
  ];
};

const kubernetes = (facts: MonitoringFacts) => facts.platform === 'kubernetes';

const containerField = (facts: MonitoringFacts) => (kubernetes(facts) ? 'resource.attributes.k8s.container.name' : 'resource.attributes.compose.service');

const servicePanels = (facts: MonitoringFacts, service: MonitoredService): Panel[] => {
  const scope = `${fields.service} : "${service.job}"`;
  const containerScope = `${containerField(facts)} : "${service.name}"`;
  return [
    { title: 'Requests (per scrape interval)', view: 'metrics', query: scope, series: [{ label: 'requests', operation: 'sum', field: fields.requests }], splitBy: fields.environment },
    { title: 'Answers 5xx (per scrape interval)', view: 'metrics', query: scope, series: [{ label: '5xx', operation: 'sum', field: fields.requests, filter: `${fields.status} : 5*` }], splitBy: fields.environment },
    {
      title: `Latency p50, p95, p99 (s); threshold ${facts.thresholds.latencySeconds} s`,
      view: 'metrics',
      query: scope,
      series: [50, 95, 99].map((percentile) => ({ label: `p${percentile}`, operation: 'percentile' as const, field: fields.duration, percentile })),
    },
    { title: 'Scrape targets up', view: 'metrics', query: scope, series: [{ label: 'up', operation: 'min', field: fields.up }], splitBy: fields.instance },
    { title: 'Saturation: requests waiting for a pooled connection', view: 'metrics', query: scope, series: [{ label: 'waiting', operation: 'max', field: fields.pool }], splitBy: fields.environment },
    ...resourcePanels(facts).slice(0, 2).map((panel) => ({ ...panel, query: `${panel.query} and ${containerScope}` })),
    { title: 'Error log lines', view: 'logs', query: `${fields.service} : "${service.name}"`, series: [{ label: 'errors', operation: 'count', filter: `${fields.severity} >= 17` }], splitBy: fields.environment },
  ];
};

const resourcePanels = (facts: MonitoringFacts): Panel[] => {
  const byContainer = kubernetes(facts) ? 'resource.attributes.k8s.pod.name' : 'resource.attributes.container.name';
  const scope = kubernetes(facts)
    ? `resource.attributes.k8s.namespace.name : (${facts.environments.map((environment) => `"${environment.namespace}"`).join(' or ')})`
    : `resource.attributes.compose.project : "${facts.composeProject}"`;
  return kubernetes(facts)
    ? [
        { title: 'CPU used / limit', view: 'metrics', query: scope, series: [{ label: 'CPU / limit', operation: 'max', field: 'metrics.k8s.container.cpu_limit_utilization' }], splitBy: byContainer },
        { title: 'Memory used / limit', view: 'metrics', query: scope, series: [{ label: 'memory / limit', operation: 'max', field: 'metrics.k8s.container.memory_limit_utilization' }], splitBy: byContainer },
        { title: 'Restarts', view: 'metrics', query: scope, series: [{ label: 'restarts', operation: 'max', field: 'metrics.k8s.container.restarts' }], splitBy: byContainer },
        { title: 'Volumes: bytes available', view: 'metrics', query: scope, series: [{ label: 'available', operation: 'min', field: 'metrics.k8s.volume.available' }], splitBy: 'resource.attributes.k8s.persistentvolumeclaim.name' },
        { title: 'Nodes: filesystem bytes available', view: 'metrics', query: 'metrics.k8s.node.filesystem.available : *', series: [{ label: 'available', operation: 'min', field: 'metrics.k8s.node.filesystem.available' }], splitBy: 'resource.attributes.k8s.node.name' },
      ]
    : [
        { title: 'CPU used (100 = one core)', view: 'metrics', query: scope, series: [{ label: 'CPU %', operation: 'max', field: 'metrics.container.cpu.utilization' }], splitBy: byContainer },
        { title: 'Memory used / limit (%)', view: 'metrics', query: scope, series: [{ label: 'memory %', operation: 'max', field: 'metrics.container.memory.percent' }], splitBy: byContainer },
        { title: 'Restarts', view: 'metrics', query: scope, series: [{ label: 'restarts', operation: 'max', field: 'metrics.container.restarts' }], splitBy: byContainer },
        { title: 'Host filesystems: share used', view: 'metrics', query: 'metrics.system.filesystem.utilization : *', series: [{ label: 'used', operation: 'max', field: 'metrics.system.filesystem.utilization' }], splitBy: 'attributes.mountpoint' },
      ];
};

const datastorePanels = (facts: MonitoringFacts): Panel[] =>
  facts.datastores.flatMap((store): Panel[] => {
    const scope = `${fields.service} : "${store.exporter.job}"`;
    const up = { postgres: 'metrics.pg_up', mysql: 'metrics.mysql_up', mongodb: 'metrics.mongodb_up', redis: 'metrics.redis_up' }[store.engine];
    const used = { postgres: 'metrics.pg_stat_activity_count', mysql: 'metrics.mysql_global_status_threads_connected', mongodb: 'metrics.mongodb_ss_connections', redis: 'metrics.redis_connected_clients' }[store.engine];
    return [
      { title: `${store.label}: reachable`, view: 'metrics', query: scope, series: [{ label: 'up', operation: 'min', field: up }] },
      { title: `${store.label}: connections`, view: 'metrics', query: scope, series: [{ label: 'connections', operation: store.engine === 'postgres' ? 'sum' : 'max', field: used }] },
    ];
  });

/** The SLOs' state from Kibana's summaries: the share of good events and the error budget left, per SLO. */
const sloPanels = (facts: MonitoringFacts): Panel[] => {
  const scope = `slo.tags : "${facts.project}"`;
  return [
    { title: `SLI: share of good events (objective ${facts.thresholds.objective})`, view: 'slos', query: scope, series: [{ label: 'SLI', operation: 'min', field: 'sliValue' }], splitBy: 'slo.name' },
    { title: 'Error budget remaining (1 = untouched)', view: 'slos', query: scope, series: [{ label: 'budget left', operation: 'min', field: 'errorBudgetRemaining' }], splitBy: 'slo.name' },
  ];
};

/** Every saved object, data views first (the panels reference them). */
export const elkDashboards = (facts: MonitoringFacts): SavedObject[] => {
  const hasSlos = tracedServices(facts).length > 0;
  const views = Object.entries(dataViews(facts))
    .filter(([key]) => key !== 'slos' || hasSlos)
    .map(([, view]) => ({
      type: 'index-pattern',
      id: view.id,
      typeMigrationVersion: '8.0.0',
      attributes: {
        title: view.title,
        name: view.name,
        timeFieldName: 'timeField' in view ? view.timeField : '@timestamp',
        ...('allowHidden' in view ? { allowHidden: view.allowHidden } : {}),
      },
      references: [],
    }));
  return [
    ...views,
    ...tracedServices(facts).flatMap((service) =>
      dashboard(facts, `service/${service.name}`, `${facts.project} ${service.name}`, `${service.name}: traffic, 5xx answers, latency against the ${facts.thresholds.latencySeconds} s threshold, saturation, its containers and error logs. Managed by phase4 (monitoring/elk).`, servicePanels(facts, service)),
    ),
    ...dashboard(facts, 'resources', `${facts.project} resources`, 'Containers against their limits, restarts and free disk. Managed by phase4 (monitoring/elk).', resourcePanels(facts)),
    ...(hasSlos ? dashboard(facts, 'slos', `${facts.project} SLOs`, `The SLOs of ${facts.project} in ${facts.production.name}: SLI and error budget left, from Kibana's SLO summaries. Managed by phase4 (monitoring/elk).`, sloPanels(facts)) : []),
    ...(kubernetes(facts) || facts.datastores.length === 0
      ? []
      : dashboard(facts, 'datastores', `${facts.project} datastores`, "The datastores' exporters: reachability and connections. Managed by phase4 (monitoring/elk).", datastorePanels(facts))),
  ];
};

/** The NDJSON text: one saved object a line. */
export const dashboardsNdjson = (facts: MonitoringFacts): string => `${elkDashboards(facts).map((object) => JSON.stringify(object)).join('\n')}\n`;

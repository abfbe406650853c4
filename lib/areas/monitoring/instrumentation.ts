/**
 * How each kind of service meets the metric contract: the libraries and the few lines that serve HTTP server
 * metrics (a request counter with the status code, a duration histogram) at the path Prometheus scrapes, on the
 * service's own port. docs/monitoring.md shows the entries of the project's services.
 */
import type { MonitoredService } from '../../monitoring/facts.js';

export interface Instrumentation {
  /** Who it is for: `Node.js (Express)`. */
  label: string;
  packages: string;
  /** The code block's language and its lines. */
  fence: string;
  code: string[];
  note: string;
}

const nodeOpenTelemetry = (framework: string): Instrumentation => ({
  label: `Node.js (${framework})`,
  packages: '`@opentelemetry/sdk-node`, `@opentelemetry/auto-instrumentations-node`, `@opentelemetry/exporter-prometheus`',
  fence: 'js',
  code: [
    '// instrumentation.js, loaded first: node --import ./instrumentation.js server.js',
    'import { NodeSDK } from "@opentelemetry/sdk-node";',
    'import { getNodeAutoInstrumentations } from "@opentelemetry/auto-instrumentations-node";',
    'import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";',
    '',
    '// No server of its own: the application serves the exporter on its port (below).',
    'export const metrics = new PrometheusExporter({ preventServerStart: true });',
    'new NodeSDK({',
    '  metricReader: metrics,',
    '  instrumentations: [getNodeAutoInstrumentations()],',
    '}).start();',
    '',
    '// In the application:',
    '// app.get("/metrics", (req, res) => metrics.getMetricsRequestHandler(req, res));',
  ],
  note: 'The HTTP instrumentation records `http.server.request.duration` with `http.response.status_code`, which Prometheus reads as `http_server_request_duration_seconds_*`.',
});

const pythonOpenTelemetry = (framework: 'fastapi' | 'flask' | 'django'): Instrumentation => {
  const mount = {
    fastapi: ['from prometheus_client import make_asgi_app', '', "app.mount('/metrics', make_asgi_app())", 'FastAPIInstrumentor.instrument_app(app)'],
    flask: ['from prometheus_client import make_wsgi_app', 'from werkzeug.middleware.dispatcher import DispatcherMiddleware', '', "app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {'/metrics': make_wsgi_app()})", 'FlaskInstrumentor().instrument_app(app)'],
    django: ['# urls.py: urlpatterns += [path("metrics", prometheus_view)], where', '# prometheus_view = lambda request: HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)', 'DjangoInstrumentor().instrument()'],
  }[framework];
  const instrumentor = { fastapi: 'FastAPIInstrumentor', flask: 'FlaskInstrumentor', django: 'DjangoInstrumentor' }[framework];
  return {
    label: `Python (${framework === 'fastapi' ? 'FastAPI' : framework === 'flask' ? 'Flask' : 'Django'})`,
    packages: `\`opentelemetry-sdk\`, \`opentelemetry-exporter-prometheus\`, \`opentelemetry-instrumentation-${framework}\``,
    fence: 'python',
    code: [
      'from opentelemetry import metrics',
      'from opentelemetry.exporter.prometheus import PrometheusMetricReader',
      'from opentelemetry.sdk.metrics import MeterProvider',
      `from opentelemetry.instrumentation.${framework} import ${instrumentor}`,
      '',
      '# The reader registers with prometheus_client, which serves it on the application\'s port.',
      'metrics.set_meter_provider(MeterProvider(metric_readers=[PrometheusMetricReader()]))',
      ...mount,
    ],
    note: 'With several worker processes (gunicorn, uvicorn --workers), set `PROMETHEUS_MULTIPROC_DIR` to a writable folder (an emptyDir) so every worker\'s requests are counted.',
  };
};

const goOpenTelemetry = (framework: string): Instrumentation => ({
  label: `Go (${framework})`,
  packages: '`go.opentelemetry.io/otel/exporters/prometheus`, `go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp`',
  fence: 'go',
  code: [
    'exporter, err := prometheus.New() // registers with the default Prometheus registry',
    'if err != nil {',
    '    log.Fatal(err)',
    '}',
    'otel.SetMeterProvider(metric.NewMeterProvider(metric.WithReader(exporter)))',
    '',
    'mux.Handle("/metrics", promhttp.Handler())',
    'handler := otelhttp.NewHandler(mux, "server") // records http.server.request.duration',
  ],
  note: 'Gin, Echo, Chi and Fiber have OpenTelemetry middlewares of their own in `go.opentelemetry.io/contrib/instrumentation`; wrapping the whole handler with `otelhttp` works for all of them but Fiber (use its `otelfiber`).',
});

const springBoot: Instrumentation = {
  label: 'Java (Spring Boot)',
  packages: '`spring-boot-starter-actuator`, `io.micrometer:micrometer-registry-prometheus`',
  fence: 'properties',
  code: [
    'management.endpoints.web.exposure.include=health,prometheus',
    '# Buckets for p50/p95/p99, and one exactly at the latency threshold for the latency SLO.',
    'management.metrics.distribution.percentiles-histogram.http.server.requests=true',
    'management.metrics.distribution.slo.http.server.requests=LATENCY',
  ],
  note: 'Actuator serves `/actuator/prometheus` on the application\'s port; Micrometer names the metrics `http_server_requests_seconds_*` with a `status` label, which the recording rules read.',
};

/** The instrumentation a service's language and framework call for. */
export const instrumentationOf = (service: Pick<MonitoredService, 'language' | 'framework'>, latencySeconds: number): Instrumentation => {
  switch (service.language) {
    case 'python':
      return pythonOpenTelemetry(service.framework === 'flask' || service.framework === 'django' ? service.framework : 'fastapi');
    case 'go':
      return goOpenTelemetry(service.framework === 'none' ? 'net/http' : service.framework);
    case 'java': {
      const seconds = `${latencySeconds}s`;
      return { ...springBoot, code: springBoot.code.map((line) => line.replace('LATENCY', seconds)) };
    }
    default:
      return nodeOpenTelemetry(service.framework === 'none' ? 'node:http' : service.framework);
  }
};

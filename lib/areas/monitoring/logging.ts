/**
 * Logs for `monitoring: prometheus-grafana`: Fluent Bit ships every service's output to Loki, Loki keeps it
 * for each environment's retention and its ruler evaluates the log-based alerts. On Kubernetes: values for
 * the fluent-bit chart (a DaemonSet tailing the project's namespaces) and the loki chart (monolithic, on a
 * PVC), plus the alert rules as a ConfigMap the loki chart's rules sidecar loads. With compose: the Fluent Bit
 * and Loki configs, the rule file, and the two services the lead's compose.monitoring.yaml adds.
 *
 * Both Fluent Bit configs use its YAML format (`service`, `parsers`, `pipeline`), the standard one since
 * Fluent Bit 3.2; the classic `.conf` format is deprecated at the end of 2026. The fluent-bit chart writes
 * only a classic `fluent-bit.conf` from its `config.*` values, so the values ship the YAML config as an
 * extra file of the chart's ConfigMap and point the container's `--config` at it.
 */
import type { MonitoredEnvironment, MonitoredService, MonitoringFacts } from '../../monitoring/facts.js';
import { monitoringNamespace } from '../../kubernetes/workloads.js';
import { managedFile } from '../../plan/managed-file.js';
import type { PlannedFile } from '../../plan/types.js';
import { helmChart, imageRef, type PinnedChart } from '../../versions/index.js';

const planned = managedFile('monitoring');

/** Loki's HTTP port (push, query, ruler API), on both platforms. */
export const lokiPort = 3100;
/** Fluent Bit's forward input, where Docker's fluentd logging driver sends each container's output (compose). */
export const forwardPort = 24224;
/** Fluent Bit's HTTP server: `/api/v2/health` and `/api/v2/metrics/prometheus`. */
export const fluentBitHttpPort = 2020;
/** Error lines per minute, per service, above which `LogErrorsHigh` fires (over 5 minutes, for 10 minutes). */
export const errorLinesPerMinute = 10;
/** The first day of Loki's schema v13 (TSDB index): any past date works for a new install; it must never change. */
export const lokiSchemaFrom = '2025-01-01';
/** The compose variable that names the environment a host runs (the `environment` label of its logs). */
export const composeEnvironmentVariable = 'MONITORING_ENVIRONMENT';
/** Loki's tenant when authentication is off: rule files live under a folder of that name. */
const singleTenant = 'fake';

/** Alertmanager as Loki's ruler reaches it: kube-prometheus-stack's operator-made Service, or the compose service. */
export const alertmanagerUrl = (facts: MonitoringFacts): string =>
  facts.platform === 'kubernetes' ? `http://alertmanager-operated.${monitoringNamespace}.svc:9093` : 'http://alertmanager:9093';

/** Where Fluent Bit and Grafana reach Loki: the chart's Service (release `loki`), or the compose service. */
export const lokiUrl = (facts: MonitoringFacts): string =>
  facts.platform === 'kubernetes' ? `http://loki.${monitoringNamespace}.svc:${lokiPort}` : `http://loki:${lokiPort}`;

export const loggingPaths = {
  composeFluentBit: 'monitoring/logging/fluent-bit.yaml',
  composeLoki: 'monitoring/logging/loki.yaml',
  composeRules: 'monitoring/logging/rules/log-alerts.yaml',
  kubernetesFluentBitValues: 'monitoring/kubernetes/values/fluent-bit.yaml',
  kubernetesLokiValues: 'monitoring/kubernetes/values/loki.yaml',
  kubernetesRules: 'monitoring/kubernetes/loki-rules.yaml',
} as const;

/** The stream labels every log line gets: few values each, so Loki keeps few streams. Never request ids. */
export const streamLabels = (facts: MonitoringFacts): string[] =>
  facts.platform === 'kubernetes' ? ['namespace', 'service', 'level'] : ['environment', 'service', 'level'];

/** Level values that count as errors, and as a crash, in the `level` label (case-insensitive, Go regexp). */
const errorLevels = '(?i)(error|err|fatal|critical|crit|panic|emerg|alert)';
const crashLevels = '(?i)(fatal|panic|emerg)';
/**
 * Lines that mark a crash whatever the logger: Go's `panic:` and `fatal error:`, Node's uncaught exceptions
 * and unhandled rejections, Python's tracebacks, the JVM's OutOfMemoryError.
 */
const crashPattern =
  '(?i)(panic:|fatal error:|uncaught ?exception|unhandled ?(promise ?)?rejection|traceback \\(most recent call last\\)|outofmemoryerror)';
// (A LogQL backtick string: the regexp is taken as written, no escapes.)

const days = (count: number) => `${count * 24}h`;

/**
 * A LogQL stream selector for the project's services (plus extra matchers), one matcher a line: LogQL reads
 * newlines as spaces, and the rule files stay readable.
 */
const selector = (facts: MonitoringFacts, indent: string, ...extra: string[]): string => {
  const services = `service=~"${facts.services.map((service) => service.name).join('|')}"`;
  const scope =
    facts.platform === 'kubernetes' ? `namespace=~"${facts.environments.map((environment) => environment.namespace).join('|')}"` : undefined;
  return `{\n${[scope, services, ...extra].filter(Boolean).map((matcher) => `${indent}  ${matcher}`).join(',\n')}\n${indent}}`;
};

/** The labels each alert keeps: where and which service. */
const groupingLabels = (facts: MonitoringFacts): string => (facts.platform === 'kubernetes' ? 'namespace, service' : 'environment, service');
const whereText = (facts: MonitoringFacts): string => (facts.platform === 'kubernetes' ? '{{ $labels.namespace }}' : '{{ $labels.environment }}');

export interface LogAlert {
  name: string;
  expr: string;
  for: string;
  severity: 'warning' | 'critical';
  team: string;
  summary: string;
  description: string;
  runbookUrl: string;
}

/** The log-based alerts, in Prometheus rule-file shape with LogQL expressions (Loki's ruler). */
export const logAlerts = (facts: MonitoringFacts): LogAlert[] => {
  const by = groupingLabels(facts);
  const where = whereText(facts);
  const alert = (name: string, rest: Omit<LogAlert, 'name' | 'team' | 'runbookUrl'>): LogAlert => ({
    name,
    ...rest,
    team: facts.team,
    runbookUrl: `${facts.runbook.url}#${name.toLowerCase()}`,
  });
  return [
    alert('LogErrorsHigh', {
      expr: [
        `sum by (${by}) (`,
        `  count_over_time(${selector(facts, '  ', `level=~"${errorLevels}"`)} [5m])`,
        `) / 5 > ${errorLinesPerMinute}`,
      ].join('\n'),
      for: '10m',
      severity: 'warning',
      summary: `{{ $labels.service }} in ${where}: more than ${errorLinesPerMinute} error lines a minute`,
      description: `{{ $value | humanize }} error lines a minute over 5 minutes, for 10 minutes.`,
    }),
    alert('LogCrashDetected', {
      expr: [
        `sum by (${by}) (`,
        `  count_over_time(${selector(facts, '  ')}`,
        `    |~ \`${crashPattern}\``,
        '  [5m])',
        ') > 0',
        'or',
        `sum by (${by}) (`,
        `  count_over_time(${selector(facts, '  ', `level=~"${crashLevels}"`)} [5m])`,
        ') > 0',
      ].join('\n'),
      for: '0m',
      severity: 'critical',
      summary: `{{ $labels.service }} in ${where}: a panic, an uncaught exception or a fatal error`,
      description: `{{ $value }} crash lines (panic, uncaught exception, traceback, fatal) in the last 5 minutes.`,
    }),
  ];
};

/** One environment's log retention, as Loki's per-stream retention takes it. */
export interface StreamRetention {
  environment: string;
  selector: string;
  period: string;
  days: number;
}

/**
 * Per-environment retention on Kubernetes: the shortest period is Loki's default, and each environment's
 * namespace gets its own by a stream selector (production keeps logs longer).
 */
export const streamRetention = (facts: MonitoringFacts): { defaultPeriod: string; streams: StreamRetention[] } => {
  const shortest = Math.min(...facts.environments.map((environment) => environment.logRetentionDays));
  return {
    defaultPeriod: days(shortest),
    streams: facts.environments.map((environment) => ({
      environment: environment.name,
      selector: `{namespace="${environment.namespace}"}`,
      period: days(environment.logRetentionDays),
      days: environment.logRetentionDays,
    })),
  };
};

/** compose runs one host's services: its logs keep the non-production retention. */
const composeRetention = (facts: MonitoringFacts): MonitoredEnvironment =>
  facts.environments.find((environment) => !environment.isProduction) ?? facts.production;

/** The services whose output Fluent Bit ships: every workload (nginx front ends too, as plain text). */
const shipped = (facts: MonitoringFacts): MonitoredService[] => facts.services;

/** Docker's fluentd logging driver tag of a service: Fluent Bit routes on it and names the service from it. */
export const composeLogTag = (service: string): string => `app.${service}`;

/** The `logging:` block each application service of compose.yaml needs, as compose takes it. */
export const composeLoggingBlock = (service: string) => ({
  driver: 'fluentd',
  options: {
    // The Docker daemon connects, from the host: the port Fluent Bit publishes on the loopback interface.
    'fluentd-address': `127.0.0.1:${forwardPort}`,
    // Containers start even while Fluent Bit is down; the driver buffers and reconnects.
    'fluentd-async': 'true',
    // Logging never blocks the application: past the buffer, lines are dropped rather than stalling writes.
    mode: 'non-blocking',
    'max-buffer-size': '4m',
    tag: composeLogTag(service),
  },
});

/** A compose service the lead adds to compose.monitoring.yaml. */
export interface ComposeServiceSpec {
  name: string;
  image: string;
  command: string[];
  /** Short-syntax volumes; relative paths are relative to the repository root. */
  volumes: string[];
  /** Published on 127.0.0.1 only. */
  ports: string[];
  environment: Record<string, string>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
  user?: string;
  readOnly: boolean;
  tmpfs: string[];
  capDrop: string[];
  securityOpt: string[];
  dependsOn?: Record<string, { condition: string }>;
  /** Named volumes the service uses (to declare under the file's top-level `volumes:`). */
  namedVolumes: string[];
  /** Why each choice, for comments in the compose file. */
  comments: string[];
}

/**
 * The `fluent-bit` and `loki` services of compose.monitoring.yaml. Both images are distroless: Loki has a
 * health check of its own (`loki -health` asks its `/ready`), Fluent Bit has no tool to call its endpoint.
 */
export const loggingComposeServices = (facts: MonitoringFacts): ComposeServiceSpec[] => {
  const hardening = { readOnly: true, capDrop: ['ALL'], securityOpt: ['no-new-privileges:true'] };
  return [
    {
      name: 'loki',
      image: imageRef('loki'),
      command: ['-config.file=/etc/loki/loki.yaml'],
      volumes: [
        `./${loggingPaths.composeLoki}:/etc/loki/loki.yaml:ro`,
        `./${loggingPaths.composeRules.replace(/\/[^/]+$/, '')}:/etc/loki/rules/${singleTenant}:ro`,
        'loki-data:/loki',
      ],
      ports: [`127.0.0.1:${lokiPort}:${lokiPort}`],
      environment: {},
      healthcheck: { test: ['CMD', '/usr/bin/loki', '-health'], interval: '15s', timeout: '5s', retries: 10, startPeriod: '30s' },
      // The image's own user (loki, 10001), which owns /loki: the named volume starts as a copy of it.
      user: '10001:10001',
      ...hardening,
      tmpfs: ['/tmp'],
      namedVolumes: ['loki-data'],
      comments: [
        `Loki ${imageRef('loki').split(':')[1]}, single binary on the filesystem: logs kept ${composeRetention(facts).logRetentionDays} days, then deleted by its compactor.`,
        `Grafana's Loki data source: ${lokiUrl(facts)}.`,
      ],
    },
    {
      name: 'fluent-bit',
      image: imageRef('fluent-bit'),
      // Arguments to the image's entrypoint (/fluent-bit/bin/fluent-bit).
      command: ['--config=/fluent-bit/etc/phase4/fluent-bit.yaml'],
      volumes: [`./${loggingPaths.composeFluentBit}:/fluent-bit/etc/phase4/fluent-bit.yaml:ro`],
      // The Docker daemon sends each container's output here, from the host: loopback only.
      ports: [`127.0.0.1:${forwardPort}:${forwardPort}`],
      environment: { [composeEnvironmentVariable]: `\${${composeEnvironmentVariable}:-local}` },
      user: '65532:65532',
      ...hardening,
      tmpfs: [],
      dependsOn: { loki: { condition: 'service_healthy' } },
      namedVolumes: [],
      comments: [
        `Fluent Bit ${imageRef('fluent-bit').split(':')[1]}: receives every application container's output from Docker's fluentd logging driver (no access to the host's files or the Docker socket needed), parses JSON lines and sends them to Loki.`,
        `Its environment label is $${composeEnvironmentVariable} (local when unset).`,
      ],
    },
  ];
};

/** The structured-logging advice for one service, as the docs render it. */
export interface LoggingGuide {
  service: string;
  language: string;
  framework: string;
  /** The library and how to add it. */
  library: string;
  install?: string;
  /** Where the lines go. */
  file?: string;
  snippetLanguage: string;
  snippet: string;
  notes: string[];
}

/** The fields every JSON log line should carry; `level` becomes a Loki label. */
export const logFields = [
  { name: 'timestamp', meaning: 'RFC 3339 time of the event (each library names it: time, timestamp, @timestamp, asctime)' },
  { name: 'level', meaning: 'debug, info, warn, error, fatal: a stream label in Loki, so keep it to these words' },
  { name: 'message', meaning: 'what happened, a constant text without variables (msg with pino and slog)' },
  { name: 'service', meaning: 'the service name; Fluent Bit also sets it from the workload, so a missing one is filled in' },
  { name: 'trace_id / span_id', meaning: 'the OpenTelemetry trace and span of the request, to jump from a log line to its trace' },
];

const nodeGuide = (service: MonitoredService): LoggingGuide => {
  const base = { service: service.name, language: 'node', framework: service.framework, file: 'src/logger.js', snippetLanguage: 'js' };
  const levelFormatter = [
    '  // Level names instead of pino\'s numbers (30, 50): Loki labels lines by `level`.',
    '  formatters: { level: (label) => ({ level: label }) },',
    '  timestamp: pino.stdTimeFunctions.isoTime,',
  ];
  const notes = ['With OpenTelemetry, @opentelemetry/instrumentation-pino adds trace_id and span_id to every line.'];
  switch (service.framework) {
    case 'fastify':
      return {
        ...base,
        library: 'pino (Fastify\'s own logger)',
        install: 'npm install pino',
        file: 'src/server.js',
        snippet: [
          'import Fastify from "fastify";',
          'import pino from "pino";',
          '',
          'const app = Fastify({',
          '  logger: {',
          '    level: process.env.LOG_LEVEL ?? "info",',
          `    base: { service: "${service.name}" },`,
          ...levelFormatter.map((line) => `  ${line}`),
          '  },',
          '});',
        ].join('\n'),
        notes,
      };
    case 'nestjs':
      return {
        ...base,
        library: 'nestjs-pino (pino for Nest, request logging included)',
        install: 'npm install nestjs-pino pino-http',
        file: 'src/app.module.ts',
        snippetLanguage: 'ts',
        snippet: [
          'import { Module } from "@nestjs/common";',
          'import { LoggerModule } from "nestjs-pino";',
          'import pino from "pino";',
          '',
          '@Module({',
          '  imports: [',
          '    LoggerModule.forRoot({',
          '      pinoHttp: {',
          '        level: process.env.LOG_LEVEL ?? "info",',
          `        base: { service: "${service.name}" },`,
          ...levelFormatter.map((line) => `      ${line}`),
          '      },',
          '    }),',
          '  ],',
          '})',
          'export class AppModule {}',
        ].join('\n'),
        notes: ["In main.ts: `NestFactory.create(AppModule, { bufferLogs: true })`, then `app.useLogger(app.get(Logger))` (Logger from nestjs-pino).", ...notes],
      };
    default: {
      const http = service.framework === 'express' ? ['', '// One line per request, with its status and duration.', 'app.use(pinoHttp({ logger }));'] : [];
      return {
        ...base,
        library: service.framework === 'express' ? 'pino, with pino-http for request lines' : 'pino',
        install: service.framework === 'express' ? 'npm install pino pino-http' : 'npm install pino',
        snippet: [
          'import pino from "pino";',
          ...(service.framework === 'express' ? ['import pinoHttp from "pino-http";'] : []),
          '',
          'export const logger = pino({',
          '  level: process.env.LOG_LEVEL ?? "info",',
          `  base: { service: "${service.name}" },`,
          ...levelFormatter,
          '});',
          ...http,
        ].join('\n'),
        notes: [
          ...(['next', 'nuxt', 'sveltekit'].includes(service.framework)
            ? [`${service.framework}'s own startup and request lines stay plain text; log from server code with this logger.`]
            : []),
          'Never pipe the output through pino-pretty in production: Fluent Bit reads the JSON lines.',
          ...notes,
        ],
      };
    }
  }
};

const pythonGuide = (service: MonitoredService): LoggingGuide => {
  const base = { service: service.name, language: 'python', framework: service.framework, library: 'python-json-logger (a formatter for the standard logging module, which uvicorn, gunicorn, Django and Celery all use)', install: 'pip install python-json-logger', snippetLanguage: 'python' };
  const formatter = [
    'JsonFormatter(',
    '    "{levelname}{name}{message}",',
    '    style="{",',
    '    timestamp=True,',
    '    rename_fields={"levelname": "level"},',
    `    static_fields={"service": "${service.name}"},`,
    ')',
  ];
  const notes = [
    'timestamp=True adds an ISO 8601 `timestamp` field in UTC.',
    'With OpenTelemetry, opentelemetry-instrumentation-logging puts otelTraceID and otelSpanID on every record: add them to the format string.',
  ];
  if (service.framework === 'django') {
    return {
      ...base,
      file: 'settings.py',
      snippet: [
        'LOGGING = {',
        '    "version": 1,',
        '    "disable_existing_loggers": False,',
        '    "formatters": {',
        '        "json": {',
        '            "()": "pythonjsonlogger.json.JsonFormatter",',
        '            "format": "{levelname}{name}{message}",',
        '            "style": "{",',
        '            "timestamp": True,',
        '            "rename_fields": {"levelname": "level"},',
        `            "static_fields": {"service": "${service.name}"},`,
        '        },',
        '    },',
        '    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},',
        '    "root": {"handlers": ["stdout"], "level": "INFO"},',
        '}',
      ].join('\n'),
      notes,
    };
  }
  return {
    ...base,
    file: service.framework === 'celery' ? 'the module that creates the Celery app' : 'the module that starts the app',
    snippet: [
      'import logging',
      '',
      'from pythonjsonlogger.json import JsonFormatter',
      '',
      ...(service.framework === 'celery'
        ? ['from celery.signals import setup_logging', '', '', '@setup_logging.connect', 'def configure_logging(**kwargs):']
        : ['', 'def configure_logging():']),
      '    handler = logging.StreamHandler()',
      `    handler.setFormatter(${formatter.join('\n    ')})`,
      '    logging.basicConfig(handlers=[handler], level=logging.INFO, force=True)',
      ...(service.framework === 'celery' ? [] : ['', '', 'configure_logging()']),
    ].join('\n'),
    notes: [
      ...(service.framework === 'celery' ? ['Connecting setup_logging stops Celery from installing its own text handlers.'] : []),
      ...(service.framework === 'fastapi' ? ["Start uvicorn with `--log-config` pointing at the same formatter, or `log_config=None`, so its access lines go through the root logger."] : []),
      ...(service.framework === 'flask' ? ['Call configure_logging() before creating the Flask app: app.logger then propagates to the JSON handler.'] : []),
      ...notes,
    ],
  };
};

const goGuide = (service: MonitoredService): LoggingGuide => ({
  service: service.name,
  language: 'go',
  framework: service.framework,
  library: 'log/slog from the standard library, with its JSONHandler',
  file: 'main.go',
  snippetLanguage: 'go',
  snippet: [
    'logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo})).',
    `    With("service", "${service.name}")`,
    'slog.SetDefault(logger)',
  ].join('\n'),
  notes: [
    'Lines carry time, level (INFO, ERROR) and msg. Log with slog.InfoContext(ctx, ...) so a handler can add trace_id and span_id from the request\'s span.',
    ...(service.framework !== 'net-http' && service.framework !== 'none' ? [`Point ${service.framework}'s request logging at this logger (or an slog middleware) instead of its text logger.`] : []),
  ],
});

const javaGuide = (service: MonitoredService): LoggingGuide =>
  service.framework === 'spring-boot'
    ? {
        service: service.name,
        language: 'java',
        framework: service.framework,
        library: "Spring Boot's structured logging (3.4 and later), in the Logstash JSON format",
        file: 'src/main/resources/application.properties',
        snippetLanguage: 'properties',
        snippet: [`spring.application.name=${service.name}`, 'logging.structured.format.console=logstash'].join('\n'),
        notes: [
          'The Logstash format writes @timestamp, level and message (ECS would nest the level under log.level, which Fluent Bit does not label).',
          'Micrometer Tracing puts traceId and spanId in the MDC, which the format includes.',
          'Before Spring Boot 3.4: logstash-logback-encoder, as for plain Java.',
        ],
      }
    : {
        service: service.name,
        language: 'java',
        framework: service.framework,
        library: 'Logback with logstash-logback-encoder',
        install: 'net.logstash.logback:logstash-logback-encoder (Maven Central)',
        file: 'src/main/resources/logback.xml',
        snippetLanguage: 'xml',
        snippet: [
          '<configuration>',
          '  <appender name="json" class="ch.qos.logback.core.ConsoleAppender">',
          '    <encoder class="net.logstash.logback.encoder.LogstashEncoder">',
          `      <customFields>{"service":"${service.name}"}</customFields>`,
          '    </encoder>',
          '  </appender>',
          '  <root level="INFO">',
          '    <appender-ref ref="json" />',
          '  </root>',
          '</configuration>',
        ].join('\n'),
        notes: ['The encoder writes @timestamp, level and message, and every MDC entry (trace ids from OpenTelemetry\'s Logback MDC instrumentation).'],
      };

const staticGuide = (service: MonitoredService): LoggingGuide => ({
  service: service.name,
  language: 'static',
  framework: service.framework,
  library: "nginx's access and error logs",
  snippetLanguage: 'text',
  snippet: '',
  notes: ['nginx writes plain-text lines: they are shipped as they are, labelled with the service, without a level.'],
});

/** The structured-logging advice for each service, by language and framework. */
export const loggingGuides = (facts: MonitoringFacts): LoggingGuide[] =>
  shipped(facts).map((service) => {
    switch (service.language) {
      case 'node':
        return ['react', 'vue', 'angular', 'svelte', 'static'].includes(service.framework) ? staticGuide(service) : nodeGuide(service);
      case 'python':
        return pythonGuide(service);
      case 'go':
        return goGuide(service);
      case 'java':
        return javaGuide(service);
      default:
        return staticGuide(service);
    }
  });

export interface LoggingDocs {
  platform: MonitoringFacts['platform'];
  errorLinesPerMinute: number;
  fields: typeof logFields;
  guides: LoggingGuide[];
  labels: string[];
  lokiUrl: string;
  retention: { environment: string; days: number }[];
  alerts: LogAlert[];
  /** Example LogQL queries for the docs. */
  queries: { purpose: string; query: string }[];
  /**
   * What the runbook sections of the log alerts (templates/monitoring/runbooks/Log*.md.ejs) show: the label that
   * says where (namespace or environment), and LogQL queries with <service> and <where> to fill in from the alert.
   */
  runbook: { where: string; queries: Record<'errors' | 'errorsByMessage' | 'errorRate' | 'crashes' | 'beforeCrash' | 'allLines', string> };
  /** Kubernetes: the charts and the commands that install them, in order. */
  charts?: { fluentBit: PinnedChart; loki: PinnedChart; commands: string[] };
  /** compose: what each application service needs. */
  composeLogging?: { service: string; logging: ReturnType<typeof composeLoggingBlock> }[];
  /** What runs with which rights (the DaemonSet reads the nodes' log files). */
  privileges: string[];
  files: string[];
  /** The rule file of the log alerts. */
  rulesFile: string;
}

/** What the docs say about logs: per-service advice, labels, retention, alerts, install commands. */
export const loggingDocs = (facts: MonitoringFacts): LoggingDocs => {
  const kubernetes = facts.platform === 'kubernetes';
  // The examples name a service that writes JSON (not an nginx front end) when there is one.
  const any = (facts.services.find((service) => service.exposesMetrics && service.component !== 'frontend') ?? facts.services[0]).name;
  const scope = kubernetes ? `namespace="${facts.production.namespace}", ` : '';
  const where = kubernetes ? 'namespace' : 'environment';
  const fluentBit = helmChart('fluent-bit');
  const loki = helmChart('loki');
  return {
    platform: facts.platform,
    errorLinesPerMinute,
    fields: logFields,
    guides: loggingGuides(facts),
    labels: streamLabels(facts),
    lokiUrl: lokiUrl(facts),
    retention: kubernetes
      ? facts.environments.map((environment) => ({ environment: environment.name, days: environment.logRetentionDays }))
      : [{ environment: `this host ($${composeEnvironmentVariable})`, days: composeRetention(facts).logRetentionDays }],
    alerts: logAlerts(facts),
    queries: [
      { purpose: `Every line of ${any}`, query: `{${scope}service="${any}"}` },
      { purpose: `Errors of ${any}, parsed`, query: `{${scope}service="${any}", level=~"${errorLevels}"} | json` },
      { purpose: 'One request across services (by its id inside the JSON line)', query: `{${scope.replace(/, $/, '')}${kubernetes ? ', ' : ''}service=~".+"} | json | request_id="<id>"` },
      { purpose: 'Error lines a minute, by service', query: `sum by (service) (count_over_time({${scope}level=~"${errorLevels}"} [1m]))` },
    ],
    runbook: {
      where: kubernetes ? 'namespace' : 'environment',
      queries: {
        allLines: `{${where}="<where>", service="<service>"}`,
        errors: `{${where}="<where>", service="<service>", level=~"${errorLevels}"} | json`,
        // pino and slog write msg, the others message; lines that are not JSON are left out of the count.
        errorsByMessage: `topk(10, sum by (message, msg) (count_over_time({${where}="<where>", service="<service>", level=~"${errorLevels}"} | json | __error__="" [30m])))`,
        errorRate: `sum by (level) (count_over_time({${where}="<where>", service="<service>"} [1m]))`,
        crashes: `{${where}="<where>", service="<service>"} |~ \`${crashPattern}\``,
        beforeCrash: `{${where}="<where>", service="<service>"} | json | level=~"(?i)(warn|warning|error)"`,
      },
    },
    ...(kubernetes
      ? {
          charts: {
            fluentBit,
            loki,
            commands: [
              `helm repo add fluent ${fluentBit.repository}`,
              `helm repo add grafana-community ${loki.repository}`,
              `helm upgrade --install loki grafana-community/${loki.chart} --version ${loki.version} --namespace ${monitoringNamespace} --values ${loggingPaths.kubernetesLokiValues}`,
              `kubectl apply --filename ${loggingPaths.kubernetesRules}`,
              `helm upgrade --install fluent-bit fluent/${fluentBit.chart} --version ${fluentBit.version} --namespace ${monitoringNamespace} --values ${loggingPaths.kubernetesFluentBitValues}`,
            ],
          },
        }
      : { composeLogging: shipped(facts).map((service) => ({ service: service.name, logging: composeLoggingBlock(service.name) })) }),
    privileges: kubernetes
      ? [
          'Fluent Bit runs as a DaemonSet as root (uid 0) with every capability dropped, a read-only root filesystem and no privilege escalation: the kubelet writes container logs as root-owned files of mode 0640, which only their owner (root) can read without extra capabilities.',
          'It mounts /var/log/containers and /var/log/pods read-only, and /var/lib/fluent-bit (a host folder it creates) read-write for the positions of the files it reads, so a restart neither loses nor repeats lines.',
          `hostPath volumes need the ${monitoringNamespace} namespace at the privileged Pod Security level (kube-prometheus-stack's node exporter needs it too).`,
          'It reads pod metadata (name, namespace, labels) from the API server: the chart\'s ClusterRole allows get, list and watch on pods and namespaces only.',
        ]
      : [
          "Fluent Bit runs as an unprivileged user (65532) with a read-only root filesystem and no capabilities: Docker's fluentd logging driver sends it each container's output over TCP, so it needs neither the Docker socket nor the host's log files.",
        ],
    rulesFile: kubernetes ? loggingPaths.kubernetesRules : loggingPaths.composeRules,
    files: kubernetes
      ? [loggingPaths.kubernetesFluentBitValues, loggingPaths.kubernetesLokiValues, loggingPaths.kubernetesRules]
      : [loggingPaths.composeFluentBit, loggingPaths.composeLoki, loggingPaths.composeRules],
  };
};

/** The logging files of the monitoring area for prometheus-grafana. Pure. */
export const loggingFiles = (facts: MonitoringFacts): PlannedFile[] => {
  const alerts = logAlerts(facts);
  const rules = { group: `${facts.project}-logs`, alerts, platform: facts.platform };
  if (facts.platform === 'kubernetes') {
    const retention = streamRetention(facts);
    const fluentBitImage = imageRef('fluent-bit');
    const lokiImage = imageRef('loki');
    return [
      planned(loggingPaths.kubernetesFluentBitValues, 'logging/fluent-bit-values.yaml.ejs', {
        chart: helmChart('fluent-bit'),
        image: { repository: `docker.io/${fluentBitImage.slice(0, fluentBitImage.lastIndexOf(':'))}`, tag: fluentBitImage.slice(fluentBitImage.lastIndexOf(':') + 1) },
        valuesPath: loggingPaths.kubernetesFluentBitValues,
        namespace: monitoringNamespace,
        httpPort: fluentBitHttpPort,
        paths: facts.environments.map((environment) => `/var/log/containers/*_${environment.namespace}_*.log`),
        namespaces: facts.environments.map((environment) => environment.namespace),
        loki: { host: `loki.${monitoringNamespace}.svc`, port: lokiPort },
      }),
      planned(loggingPaths.kubernetesLokiValues, 'logging/loki-values.yaml.ejs', {
        chart: helmChart('loki'),
        image: { repository: lokiImage.slice(0, lokiImage.lastIndexOf(':')), tag: lokiImage.slice(lokiImage.lastIndexOf(':') + 1) },
        valuesPath: loggingPaths.kubernetesLokiValues,
        namespace: monitoringNamespace,
        schemaFrom: lokiSchemaFrom,
        retention,
        alertmanagerUrl: alertmanagerUrl(facts),
        rulesDirectory: '/rules',
        rulesFolder: `/rules/${singleTenant}`,
        port: lokiPort,
      }),
      planned(loggingPaths.kubernetesRules, 'logging/loki-rules-configmap.yaml.ejs', {
        ...rules,
        name: `${facts.project}-log-alerts`,
        project: facts.project,
        namespace: monitoringNamespace,
      }),
    ];
  }
  const retention = composeRetention(facts);
  return [
    planned(loggingPaths.composeFluentBit, 'logging/fluent-bit.yaml.ejs', {
      httpPort: fluentBitHttpPort,
      forwardPort,
      environmentVariable: composeEnvironmentVariable,
      services: shipped(facts).map((service) => ({ name: service.name, tag: composeLogTag(service.name) })),
      loki: { host: 'loki', port: lokiPort },
    }),
    planned(loggingPaths.composeLoki, 'logging/loki.yaml.ejs', {
      port: lokiPort,
      schemaFrom: lokiSchemaFrom,
      retention: { period: days(retention.logRetentionDays), days: retention.logRetentionDays, environment: retention.name },
      alertmanagerUrl: alertmanagerUrl(facts),
      rulesDirectory: '/etc/loki/rules',
    }),
    planned(loggingPaths.composeRules, 'logging/log-alerts.yaml.ejs', rules),
  ];
};

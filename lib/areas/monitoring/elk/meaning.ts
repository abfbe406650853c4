/** What each alert means to on-call, in the runbook's words, with the thresholds of the answers. */
import type { Severity } from '../../../monitoring/alerts.js';
import type { MonitoringFacts } from '../../../monitoring/facts.js';
import { percent } from '../stack.js';

export const meaningOf = (facts: MonitoringFacts, alert: string, severity: Severity): string => {
  const t = facts.thresholds;
  const critical = severity === 'critical';
  const texts: Record<string, string> = {
    HighErrorRate: `More than ${percent(t.errorRatio)} of a service's requests answered 5xx over 5 minutes, for 5 minutes: users see failures now.`,
    HighLatency: `The 95th percentile of a service's request durations has been above ${t.latencySeconds} s for 10 minutes.`,
    ErrorBudgetBurn: critical
      ? `A service fails requests in ${facts.production.name} at 6 to 14.4 times the rate its ${percent(t.objective)} availability SLO allows: the 30-day budget is gone within days.`
      : `A service fails requests in ${facts.production.name} at 1 to 3 times the rate its ${percent(t.objective)} availability SLO allows, over hours: the budget will not last the month.`,
    LatencyBudgetBurn: critical
      ? `Requests in ${facts.production.name} take longer than ${t.latencySeconds} s at 6 to 14.4 times the rate the ${percent(t.objective)} latency SLO allows.`
      : `Requests in ${facts.production.name} take longer than ${t.latencySeconds} s at 1 to 3 times the rate the ${percent(t.objective)} latency SLO allows, over hours.`,
    ServiceDown: 'The Collector has reached no instance of a service for 5 minutes (or stopped hearing of it): the service or its metrics endpoint is down.',
    TargetDown: "A scrape target has failed for 10 minutes: its metrics are missing, so the rules that read them stay quiet.",
    EndpointDown: 'A public endpoint has not answered 2xx or 3xx to the Collector\'s checks for 5 minutes: users cannot reach it, or its certificate or DNS is broken.',
    CertificateExpiry: `A public certificate expires in less than ${critical ? t.certificateCriticalDays : t.certificateWarningDays} days${critical ? ': clients refuse the site when it does' : ' and has not been renewed'}.`,
    HighCpuUsage: `A container has used more than ${percent(t.cpuRatio)} of its CPU limit for 5 minutes: it is throttled and answers slowly.`,
    HighMemoryUsage: `A container has used more than ${percent(t.memoryRatio)} of its memory limit for 5 minutes: the kernel kills it at the limit.`,
    DiskSpaceLow: `A filesystem or volume has had less than ${percent(t.diskFreeRatio)} of its space free for 15 minutes.`,
    ContainerRestarting: 'A container restarted more than twice in 15 minutes.',
    ContainerCrashLooping:
      facts.platform === 'kubernetes' ? 'A container has been in CrashLoopBackOff for 10 minutes: it exits as soon as it starts.' : 'A container restarted 5 times or more in 15 minutes: it exits as soon as it starts.',
    DatastoreDown: "A datastore's exporter has reported it unreachable (or stopped reporting) for 5 minutes: the services that use it fail.",
    DatastoreConnectionsNearLimit: 'More than 90% of the connections a datastore allows have been in use for 10 minutes: new connections will soon be refused.',
    ConnectionPoolExhausted: "Requests of a service have waited for a pooled database connection for 5 minutes: every connection is busy.",
    LogErrorsHigh: 'A service has logged more than 10 error lines a minute for 10 minutes.',
    LogCrashDetected: 'A service logged a panic, an uncaught exception, a traceback or a fatal error.',
  };
  const text = texts[alert];
  if (!text) throw new Error(`no runbook meaning for the alert ${alert}`);
  return text;
};

/**
 * The managed Prometheus rule groups of the azure-monitor stack (azurerm_monitor_alert_prometheus_rule_group in
 * monitoring/azure-monitor/environments/<env>/prometheus.tf) as a Prometheus rule file, so that promtool checks
 * their PromQL, durations and labels as it checks the Prometheus stack's. Read from the Terraform text: each
 * group's name, and per `rule` block its record or alert, the heredoc expression, `for` (ISO 8601 to
 * Prometheus), labels and annotations.
 */
import { stringify } from 'yaml';

interface FileRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** `PT5M`, `PT1H`, `P1D` as Prometheus durations. */
export const prometheusDuration = (iso: string): string => {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!match) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const [, days, hours, minutes] = match;
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}` || '0m';
};

/** The string map of an HCL object literal of quoted keys' values (`labels = { a = "b" }`). */
const stringMap = (body: string): Record<string, string> =>
  Object.fromEntries([...body.matchAll(/^\s*([A-Za-z_][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*")\s*$/gm)].map(([, key, value]) => [key, JSON.parse(value.replaceAll('$${', '${'))]));

export const ruleGroupsOfTerraform = (text: string): { name: string; rules: FileRule[] }[] =>
  text
    .split(/^resource "azurerm_monitor_alert_prometheus_rule_group" /m)
    .slice(1)
    .map((resource) => ({
      name: /^\s*name\s*=\s*"([^"]+)"/m.exec(resource)![1],
      rules: resource
        .split(/^ {2}rule \{$/m)
        .slice(1)
        .map((block): FileRule => {
          const expr = /expression = <<-EXPR\n([\s\S]*?)\n\s*EXPR\n/.exec(block)![1].replace(/^ {6}/gm, '');
          const record = /^\s*record\s*=\s*"([^"]+)"/m.exec(block)?.[1];
          if (record) return { record, expr };
          const labels = /labels = \{\n([\s\S]*?)\n\s*\}/.exec(block);
          const annotations = /annotations = \{\n([\s\S]*?)\n\s*\}/.exec(block);
          const duration = /^\s*for\s*=\s*"([^"]+)"/m.exec(block)?.[1];
          return {
            alert: /^\s*alert\s*=\s*"([^"]+)"/m.exec(block)![1],
            expr,
            ...(duration ? { for: prometheusDuration(duration) } : {}),
            ...(labels ? { labels: stringMap(labels[1]) } : {}),
            ...(annotations ? { annotations: stringMap(annotations[1]) } : {}),
          };
        }),
    }));

/** A Prometheus rule file (YAML) of the rule groups in this Terraform text. */
export const ruleFileOfTerraform = (text: string): string => stringify({ groups: ruleGroupsOfTerraform(text) }, { lineWidth: 0 });

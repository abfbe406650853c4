/**
 * Alertmanager's routing: critical alerts page (PagerDuty) and are posted to chat, warnings go to chat
 * (Slack), and a daily e-mail to the team lists what is still firing. Alerts of non-production environments
 * never page. A critical alert mutes the warning of the same name, a service that is down mutes its
 * unreachable targets, and an optional weekly maintenance window mutes warnings. Receivers read their
 * credentials from files: the same paths in compose (a read-only mount) and on Kubernetes (the Secret that
 * kube-prometheus-stack mounts under /etc/alertmanager/secrets/<name>/).
 */
import type { MonitoringFacts } from '../../monitoring/facts.js';

/** The Secret (Kubernetes) or folder (compose) holding the receivers' credentials, one file per key. */
export const receiverSecret = {
  name: 'alertmanager-receivers',
  directory: '/etc/alertmanager/secrets/alertmanager-receivers',
  keys: {
    slackWebhook: 'slack-webhook-url',
    pagerdutyKey: 'pagerduty-routing-key',
    smtpPassword: 'smtp-password',
  },
} as const;

export const receivers = { pager: 'pager', chat: 'chat', email: 'email' } as const;

export interface AlertmanagerData {
  team: string;
  project: string;
  /** Matcher of the non-production environments' alerts (Kubernetes namespaces); none with compose. */
  nonProduction?: string;
  maintenance?: MonitoringFacts['maintenance'];
  files: Record<keyof typeof receiverSecret.keys, string>;
  email: { to: string; from: string; smarthost: string; username: string };
  slackChannel: string;
}

export const alertmanagerData = (facts: MonitoringFacts, domain: string): AlertmanagerData => {
  const others = facts.environments.filter((environment) => !environment.isProduction);
  return {
    team: facts.team,
    project: facts.project,
    ...(facts.platform === 'kubernetes' && others.length > 0 ? { nonProduction: `namespace=~"${others.map((environment) => environment.namespace).join('|')}"` } : {}),
    ...(facts.maintenance ? { maintenance: facts.maintenance } : {}),
    files: Object.fromEntries(Object.entries(receiverSecret.keys).map(([key, file]) => [key, `${receiverSecret.directory}/${file}`])) as AlertmanagerData['files'],
    email: { to: `${facts.team}@${domain}`, from: `alertmanager@${domain}`, smarthost: `smtp.${domain}:587`, username: `alertmanager@${domain}` },
    slackChannel: `#${facts.team}-alerts`,
  };
};

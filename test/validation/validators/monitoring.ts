/**
 * The monitoring area's files as the matrix checks them, with the Go builds of promtool and amtool (prometheus.ts):
 * the rule files, prometheus.yml with the rule files it loads, and Alertmanager's configuration. The rules' unit
 * tests, routing and a live run are test/monitoring's, on fewer shapes (they take seconds each).
 */
import { amtoolCheckConfig, promtoolCheckConfig, promtoolCheckRules } from './prometheus.js';
import type { Validator } from './types.js';

export const prometheusRules: Validator = {
  name: 'promtool check rules',
  applies: (file) => /^monitoring\/prometheus\/rules\/[^/]+\.ya?ml$/.test(file),
  mustReject: { path: 'monitoring/prometheus/rules/broken.rules.yaml', contents: 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: up > > 1\n' },
  check: (files) => promtoolCheckRules(files),
};

export const prometheusConfig: Validator = {
  name: 'promtool check config',
  applies: (file) => /^monitoring\/prometheus\/prometheus\.ya?ml$/.test(file),
  mustReject: { path: 'monitoring/prometheus/prometheus.yml', contents: 'global:\n  scrape_interval: soon\n' },
  check: (files) => files.flatMap(promtoolCheckConfig),
};

export const alertmanagerConfig: Validator = {
  name: 'amtool check-config',
  applies: (file) => /^monitoring\/alertmanager\/alertmanager\.ya?ml$/.test(file),
  mustReject: { path: 'monitoring/alertmanager/alertmanager.yml', contents: 'route:\n  receiver: nobody\nreceivers:\n  - name: chat\n' },
  check: (files) => files.flatMap(amtoolCheckConfig),
};

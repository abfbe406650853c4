/**
 * The monitoring area's Prometheus and Alertmanager files as the matrix checks them, with the Go builds of promtool
 * and amtool (prometheus.ts): rule files (`promtool check rules`), prometheus.yml with the rule files it loads
 * (`promtool check config`) and Alertmanager's configuration (`amtool check-config`). One validator, so every run
 * that writes monitoring has work for it (prometheus.yml exists beside compose only). The rules' unit tests,
 * routing and a live run are test/monitoring's, on fewer shapes (they take seconds each).
 */
import path from 'node:path';
import { amtoolCheckConfig, promtoolCheckConfig, promtoolCheckRules } from './prometheus.js';
import type { Validator } from './types.js';

const isRuleFile = (file: string) => /(^|\/)prometheus\/rules\/[^/]+\.ya?ml$|\.rules\.ya?ml$/.test(file);

export const prometheusTools: Validator = {
  name: 'promtool and amtool (rules, prometheus.yml, alertmanager.yml)',
  applies: (file) => /^monitoring\/(prometheus\/rules\/[^/]+\.ya?ml|prometheus\/prometheus\.ya?ml|alertmanager\/alertmanager\.ya?ml)$/.test(file),
  mustReject: { path: 'broken.rules.yaml', contents: 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: up > > 1\n' },
  check: (files) => [
    ...(files.some(isRuleFile) ? promtoolCheckRules(files.filter(isRuleFile)) : []),
    ...files.filter((file) => /^prometheus\.ya?ml$/.test(path.basename(file))).flatMap(promtoolCheckConfig),
    ...files.filter((file) => /^alertmanager\.ya?ml$/.test(path.basename(file))).flatMap(amtoolCheckConfig),
  ],
};

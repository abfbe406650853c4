/**
 * The monitoring area's Prometheus and Alertmanager files as the matrix checks them, with the Go builds of promtool
 * and amtool (prometheus.ts): rule files (`promtool check rules`), prometheus.yml with the rule files it loads
 * (`promtool check config`) and Alertmanager's configuration (`amtool check-config`). One validator, so every run
 * that writes monitoring has work for it (prometheus.yml exists beside compose only). The rules' unit tests,
 * routing and a live run are test/monitoring's, on fewer shapes (they take seconds each).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ruleFileOfTerraform } from './azure-prometheus-rules.js';
import { amtoolCheckConfig, promtoolCheckConfig, promtoolCheckRules } from './prometheus.js';
import type { Validator } from './types.js';

const isRuleFile = (file: string) => /(^|\/)prometheus\/rules\/[^/]+\.ya?ml$|\.rules\.ya?ml$/.test(file);

/** Azure Monitor's managed Prometheus rule groups (Terraform), checked as the rule file they amount to. */
const isAzureRuleGroups = (file: string) => /(^|\/)monitoring\/azure-monitor\/environments\/[^/]+\/prometheus\.tf$/.test(file);

const checkAzureRuleGroups = (files: string[]): string[] => {
  const dir = mkdtempSync(path.join(tmpdir(), 'phase4-azure-rules-'));
  try {
    const ruleFiles = files.map((file, index) => {
      const ruleFile = path.join(dir, `${index}.rules.yaml`);
      writeFileSync(ruleFile, ruleFileOfTerraform(readFileSync(file, 'utf8')));
      return ruleFile;
    });
    return promtoolCheckRules(ruleFiles).map((problem) => files.reduce((text, file, index) => text.replaceAll(path.join(dir, `${index}.rules.yaml`), file), problem));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const prometheusTools: Validator = {
  name: 'promtool and amtool (rules, prometheus.yml, alertmanager.yml)',
  applies: (file) => /^monitoring\/(prometheus\/rules\/[^/]+\.ya?ml|prometheus\/prometheus\.ya?ml|alertmanager\/alertmanager\.ya?ml)$/.test(file) || isAzureRuleGroups(file),
  mustReject: { path: 'broken.rules.yaml', contents: 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: up > > 1\n' },
  check: (files) => [
    ...(files.some(isRuleFile) ? promtoolCheckRules(files.filter(isRuleFile)) : []),
    ...(files.some(isAzureRuleGroups) ? checkAzureRuleGroups(files.filter(isAzureRuleGroups)) : []),
    ...files.filter((file) => /^prometheus\.ya?ml$/.test(path.basename(file))).flatMap(promtoolCheckConfig),
    ...files.filter((file) => /^alertmanager\.ya?ml$/.test(path.basename(file))).flatMap(amtoolCheckConfig),
  ],
};

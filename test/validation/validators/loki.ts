/**
 * Grafana Loki's own checks: `loki -verify-config` parses a config file strictly (an unknown or misspelt key
 * fails), and `lokitool rules check` parses every LogQL expression of a rule file. Both throw when the binary is
 * missing, like every validator.
 *
 * NOT YET INSTALLED by scripts/setup-validators.sh, and so not run by any test: Debian's `loki` package is an
 * unrelated program (MCMC linkage analysis on pedigrees), and Loki's go.mod has replace directives, one of
 * them to a nested module missing from the module zip, so `go install` refuses it. What worked here (Go 1.26.8,
 * 2 cores shared with other builds, cold caches: 24.5 min wall clock, binaries 157 MB and 101 MB):
 *   go mod download github.com/grafana/loki/v3@v3.7.8 (versions.json images.loki), copy its folder, make it
 *   writable, `go mod edit -dropreplace github.com/grafana/loki/pkg/push`, then
 *   `GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o BIN_DIR/ ./cmd/loki ./cmd/lokitool`.
 * Each check below accepted the generated files and rejected the broken samples, offline.
 */
import { runTool } from '../../helpers/tools.js';
import type { Validator } from './types.js';

/** Loki configuration files phase4 writes (the compose config; the chart renders the Kubernetes one). */
export const lokiConfig: Validator = {
  name: 'loki -verify-config',
  applies: (file) => file === 'monitoring/logging/loki.yaml',
  mustReject: { path: 'monitoring/logging/loki.yaml', contents: 'auth_enabled: false\nlimits_config:\n  retention_periodx: 1h\n' },
  check: (files) =>
    files.flatMap((file) => {
      const result = runTool('loki', [`-config.file=${file}`, '-verify-config']);
      return result.status === 0 ? [] : [`${file}: ${result.output}`];
    }),
};

/** Loki ruler files: every LogQL expression must parse. */
export const lokiRules: Validator = {
  name: 'lokitool rules check',
  applies: (file) => file.startsWith('monitoring/logging/rules/') && /\.ya?ml$/.test(file),
  mustReject: {
    path: 'monitoring/logging/rules/broken.yaml',
    contents: 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(count_over_time({a="b"} |~ [5m]))\n',
  },
  check: (files) =>
    files.flatMap((file) => {
      const result = runTool('lokitool', ['rules', 'check', '--strict', `--rule-files=${file}`]);
      return result.status === 0 ? [] : [`${file}: ${result.output}`];
    }),
};

/** Every validator the matrix harness runs. An area that adds a file format adds its validator here. */
import { actionlint } from './actionlint.js';
import { buildkitChecks } from './buildkit.js';
import { azurePipelinesSchema, circleciConfigSchema, githubWorkflowSchema, gitlabCiSchema } from './ci-schemas.js';
import { ciShellBlocks } from './ci-shell-blocks.js';
import { dockerCompose } from './compose.js';
import { composeSpecSchema } from './compose-schema.js';
import { dockerfileUtils } from './dockerfile.js';
import { gitlabCiLocal } from './gitlab-ci-local.js';
import { helmCharts, kustomizeOverlays } from './kubernetes.js';
import { groovyLint, jenkinsfileStructure } from './jenkinsfile.js';
import { kibanaApiBodies } from './kibana.js';
import { markdownlint } from './markdownlint.js';
import { prometheusTools } from './monitoring.js';
import { prettier } from './prettier.js';
import { secretlint } from './secretlint.js';
import { shellcheck } from './shellcheck.js';
import type { Validator } from './types.js';
import { yamllint } from './yamllint.js';

export const validators: Validator[] = [
  yamllint, markdownlint, prettier, secretlint, shellcheck, dockerCompose, composeSpecSchema, dockerfileUtils, buildkitChecks,
  // CI pipelines phase4 writes, each validator for the platforms it names in `ci`. npm-groovy-lint is a JVM
  // and slow: it runs once over the distinct Jenkinsfiles. ciShellBlocks covers every non-GitHub pipeline file.
  actionlint, githubWorkflowSchema, gitlabCiSchema, gitlabCiLocal, circleciConfigSchema, azurePipelinesSchema,
  groovyLint, jenkinsfileStructure, ciShellBlocks,
  // Kubernetes: each overlay built and each chart rendered, then kubeconform (strict) and trivy over the objects.
  kustomizeOverlays, helmCharts,
  // Monitoring: the rules, prometheus.yml and Alertmanager's configuration through promtool and amtool; the
  // Elastic stack's Kibana and Elasticsearch API bodies against the schemas of their documented APIs.
  prometheusTools, kibanaApiBodies,
];

/** The validators that have files to check in a run that chose this CI platform and monitoring stack. */
export const validatorsFor = (ci: string, monitoring: string): Validator[] =>
  validators.filter((validator) => (!validator.ci || validator.ci.includes(ci)) && (!validator.monitoring || validator.monitoring.includes(monitoring)));

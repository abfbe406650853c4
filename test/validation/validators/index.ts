/** Every validator the matrix harness runs. An area that adds a file format adds its validator here. */
import { actionlint } from './actionlint.js';
import { buildkitChecks } from './buildkit.js';
import { ciShellBlocks } from './ci-shell-blocks.js';
import { azurePipelinesSchema, circleciConfigSchema, githubWorkflowSchema, gitlabCiSchema } from './ci-schemas.js';
import { dockerCompose } from './compose.js';
import { composeSpecSchema } from './compose-schema.js';
import { dockerfileUtils } from './dockerfile.js';
import { gitlabCiLocal } from './gitlab-ci-local.js';
import { groovyLint, jenkinsfileStructure } from './jenkinsfile.js';
import { markdownlint } from './markdownlint.js';
import { prettier } from './prettier.js';
import { secretlint } from './secretlint.js';
import { shellcheck } from './shellcheck.js';
import type { Validator } from './types.js';
import { yamllint } from './yamllint.js';

export const validators: Validator[] = [
  yamllint, markdownlint, prettier, secretlint, shellcheck, dockerCompose, composeSpecSchema, dockerfileUtils, buildkitChecks,
  // CI pipelines
  actionlint, githubWorkflowSchema, gitlabCiSchema, circleciConfigSchema, azurePipelinesSchema, gitlabCiLocal,
  groovyLint, jenkinsfileStructure, ciShellBlocks,
];

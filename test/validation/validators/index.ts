/** Every validator the matrix harness runs. An area that adds a file format adds its validator here. */
import { actionlint } from './actionlint.js';
import { buildkitChecks } from './buildkit.js';
import { azurePipelinesSchema, circleciConfigSchema, githubWorkflowSchema, gitlabCiSchema } from './ci-schemas.js';
import { ciShellBlocks } from './ci-shell-blocks.js';
import { dockerCompose } from './compose.js';
import { composeSpecSchema } from './compose-schema.js';
import { dockerfileUtils } from './dockerfile.js';
import { gitlabCiLocal } from './gitlab-ci-local.js';
import { markdownlint } from './markdownlint.js';
import { prettier } from './prettier.js';
import { secretlint } from './secretlint.js';
import { shellcheck } from './shellcheck.js';
import type { Validator } from './types.js';
import { yamllint } from './yamllint.js';

export const validators: Validator[] = [
  yamllint, markdownlint, prettier, secretlint, shellcheck, dockerCompose, composeSpecSchema, dockerfileUtils, buildkitChecks,
  // CI pipelines phase4 writes. The Jenkinsfile validators (groovyLint, jenkinsfileStructure) are tested on
  // their own in ci-validators.test.ts and join this list with their platform: a validator that matches no
  // generated file fails the matrix. ciShellBlocks covers every non-GitHub pipeline file.
  actionlint, githubWorkflowSchema, gitlabCiSchema, gitlabCiLocal, circleciConfigSchema, azurePipelinesSchema, ciShellBlocks,
];

/**
 * The validators of CI pipeline files: a repository generated for one platform has no file of the others, so
 * a run of one repository (a fixture, the sample app) skips those that match nothing; the matrix has them all.
 */
export const pipelineValidators: ReadonlySet<Validator> = new Set([actionlint, githubWorkflowSchema, gitlabCiSchema, gitlabCiLocal, ciShellBlocks]);

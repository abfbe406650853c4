/**
 * How Google Cloud trusts the chosen CI platform: a Workload Identity Federation provider for its OpenID
 * Connect issuer, whose attribute condition admits tokens of this repository only, and the principals that
 * may impersonate the registry and deploy service accounts (each environment's deploy jobs only).
 * Jenkins has no issuer Google can trust: the service accounts its agents run as may impersonate ours instead.
 */
import type { InfraFacts } from '../../terraform/infrastructure.js';
import { hclString } from '../../render/hcl.js';
import type { CiVariable } from './ci-trust.js';

/** A Workload Identity Federation provider: all values are HCL expressions (already quoted). */
export interface GcpOidc {
  issuer: string;
  allowedAudiences?: string;
  mapping: [string, string][];
  condition: string;
}

export interface GcpCiTrust {
  label: string;
  oidc?: GcpOidc;
  /** HCL expressions of the IAM members allowed to impersonate: the registry's, and each environment's (`each.value`). */
  registryMember: string;
  deployMember: string;
  variables: CiVariable[];
}

/** A CEL string literal: CEL accepts JSON's double-quoted strings. */
const cel = (value: string): string => JSON.stringify(value);

/** CEL text as an HCL template string: quoted, with its `${var.x}` interpolations kept. */
const template = (text: string): string => JSON.stringify(text);

/** `{ staging = "main", ... }[each.value]`: the branch each environment deploys from, in HCL. */
const branchOf = (branches: Record<string, string>) =>
  `{ ${Object.entries(branches).map(([environment, branch]) => `${environment} = ${hclString(branch)}`).join(', ')} }[each.value]`;

const pool = 'google_iam_workload_identity_pool.ci.name';

export const gcpCiTrust = (facts: InfraFacts, branches: Record<string, string>): GcpCiTrust => {
  const repository = facts.repository;
  const releaseBranches = [...new Set(Object.values(branches))].sort();
  const pushes = `attribute.registry_push/true`;
  const registryMember = `"principalSet://iam.googleapis.com/\${${pool}}/${pushes}"`;
  switch (facts.ci) {
    case 'github-actions':
      return {
        label: 'GitHub Actions',
        oidc: {
          issuer: hclString('https://token.actions.githubusercontent.com'),
          mapping: [
            ['google.subject', 'assertion.sub'],
            ['attribute.repository', 'assertion.repository'],
            ['attribute.registry_push', `(${releaseBranches.map((branch) => `assertion.ref == ${cel(`refs/heads/${branch}`)}`).join(' || ')} || assertion.ref.startsWith("refs/tags/v")) ? "true" : "false"`],
          ].map(([name, value]) => [name, hclString(value)]),
          condition: hclString(`assertion.repository == ${cel(repository)}`),
        },
        registryMember,
        // The deploy jobs run in the GitHub environment of the same name, whose protection rules apply.
        deployMember: `"principal://iam.googleapis.com/\${${pool}}/subject/repo:${repository}:environment:\${each.value}"`,
        variables: [],
      };
    case 'gitlab-ci':
      return {
        label: 'GitLab CI/CD',
        oidc: {
          issuer: hclString('https://gitlab.com'),
          mapping: [
            ['google.subject', 'assertion.sub'],
            ['attribute.project_path', 'assertion.project_path'],
            [
              'attribute.registry_push',
              `((assertion.ref_type == "branch" && assertion.ref in ${JSON.stringify(releaseBranches)}) || (assertion.ref_type == "tag" && assertion.ref.startsWith("v"))) ? "true" : "false"`,
            ],
          ].map(([name, value]) => [name, hclString(value)]),
          condition: hclString(`assertion.project_path == ${cel(repository)}`),
        },
        registryMember,
        deployMember: `"principal://iam.googleapis.com/\${${pool}}/subject/project_path:${repository}:ref_type:branch:ref:\${ ${branchOf(branches)}}"`,
        variables: [],
      };
    case 'circleci':
      return {
        label: 'CircleCI',
        oidc: {
          issuer: '"https://oidc.circleci.com/org/${var.circleci_organization_id}"',
          allowedAudiences: '[var.circleci_organization_id]',
          mapping: [
            ['google.subject', 'assertion.sub'],
            ['attribute.project_id', `assertion['oidc.circleci.com/project-id']`],
            ['attribute.vcs_ref', `assertion['oidc.circleci.com/vcs-ref']`],
            [
              'attribute.registry_push',
              `(${releaseBranches.map((branch) => `assertion['oidc.circleci.com/vcs-ref'] == ${cel(`refs/heads/${branch}`)}`).join(' || ')} || assertion['oidc.circleci.com/vcs-ref'].startsWith("refs/tags/v")) ? "true" : "false"`,
            ],
          ].map(([name, value]) => [name, hclString(value)]),
          // The project id is CircleCI's name for this repository's project; the origin names the repository.
          condition: template(`assertion['oidc.circleci.com/project-id'] == "\${var.circleci_project_id}" && assertion['oidc.circleci.com/vcs-origin'].endsWith(${cel(`/${repository}`)})`),
        },
        registryMember,
        deployMember: `"principalSet://iam.googleapis.com/\${${pool}}/attribute.vcs_ref/refs/heads/\${ ${branchOf(branches)}}"`,
        variables: [
          {
            name: 'circleci_organization_id',
            description: 'CircleCI organization id (Organization Settings > Overview): the issuer and audience of its OIDC tokens.',
            type: 'string',
            validation: { condition: 'can(regex("^[0-9a-f-]{36}$", var.circleci_organization_id))', message: 'circleci_organization_id must be the organization UUID.' },
          },
          {
            name: 'circleci_project_id',
            description: `CircleCI project id of ${repository} (Project Settings > Overview): only this project may sign in.`,
            type: 'string',
            validation: { condition: 'can(regex("^[0-9a-f-]{36}$", var.circleci_project_id))', message: 'circleci_project_id must be the project UUID.' },
          },
        ],
      };
    case 'azure-devops': {
      // Each service connection is its own subject: the registry's, and one per environment.
      const connection = (name: string) => `sc://\${var.azure_devops_organization}/\${var.azure_devops_project}/${name}`;
      const connections = [`${facts.project}-registry`, ...facts.environments.map((environment) => `${facts.project}-${environment.name}`)];
      return {
        label: 'Azure DevOps Pipelines',
        oidc: {
          issuer: '"https://vstoken.dev.azure.com/${var.azure_devops_organization_id}"',
          allowedAudiences: '["api://AzureADTokenExchange"]',
          mapping: [
            ['google.subject', hclString('assertion.sub')],
            ['attribute.registry_push', template(`assertion.sub == "${connection(`${facts.project}-registry`)}" ? "true" : "false"`)],
          ],
          condition: template(`assertion.sub in [${connections.map((name) => `"${connection(name)}"`).join(', ')}]`),
        },
        registryMember,
        deployMember: `"principal://iam.googleapis.com/\${${pool}}/subject/${connection(`${facts.project}-\${each.value}`)}"`,
        variables: [
          { name: 'azure_devops_organization_id', description: 'Azure DevOps organization id (a UUID): the issuer of its OIDC tokens.', type: 'string' },
          { name: 'azure_devops_organization', description: 'Azure DevOps organization name, as in dev.azure.com/ORGANIZATION.', type: 'string' },
          { name: 'azure_devops_project', description: `Azure DevOps project whose service connections deploy ${repository}.`, type: 'string' },
        ],
      };
    }
    case 'jenkins':
      return {
        label: 'Jenkins',
        registryMember: '"serviceAccount:${var.jenkins_build_agent_service_account}"',
        deployMember: '"serviceAccount:${var.jenkins_deploy_agent_service_accounts[each.value]}"',
        variables: [
          { name: 'jenkins_build_agent_service_account', description: 'Service account (e-mail) the image-building Jenkins agents run as.', type: 'string' },
          { name: 'jenkins_deploy_agent_service_accounts', description: "Service account (e-mail) each environment's deploy agents run as, by environment.", type: 'map(string)' },
        ],
      };
  }
};

/**
 * How AWS trusts the chosen CI platform: its OpenID Connect issuer and audience, and the token claims each
 * role accepts, so that only this repository's deploy jobs (per environment) and image builds sign in.
 * Jenkins has no issuer AWS can trust: its roles trust the IAM roles of the Jenkins agents instead.
 */
import type { InfraFacts } from '../../terraform/infrastructure.js';
import { hclList, hclString } from '../../render/hcl.js';

export interface TrustCondition {
  test: 'StringEquals' | 'StringLike';
  /** HCL expressions (already quoted). */
  variable: string;
  values: string;
}

export type Trust = { kind: 'oidc'; conditions: TrustCondition[] } | { kind: 'roles'; principal: string };

export interface CiVariable {
  name: string;
  description: string;
  type: string;
  validation?: { condition: string; message: string };
}

export interface CiTrust {
  label: string;
  oidc?: { url: string; audience: string };
  trust: { registry: Trust; deploy: Trust };
  variables: CiVariable[];
  /** `local.deploy_branches`, when the deploy roles' subjects name each environment's branch. */
  deployBranches?: string;
}

const condition = (test: TrustCondition['test'], variable: string, values: string[] | string): TrustCondition => ({
  test,
  variable: hclString(variable),
  values: typeof values === 'string' ? values : hclList(values),
});

/** `{ staging = "main", ... }`: the branch each environment deploys from, as an HCL map (ci.tf's local.deploy_branches). */
const branchMap = (branches: Record<string, string>) =>
  `{ ${Object.entries(branches).map(([environment, branch]) => `${environment} = ${hclString(branch)}`).join(', ')} }`;

export const ciTrust = (facts: InfraFacts, branches: Record<string, string>): CiTrust => {
  const repository = facts.repository;
  const releaseBranches = [...new Set(Object.values(branches))].sort();
  switch (facts.ci) {
    case 'github-actions': {
      const issuer = 'token.actions.githubusercontent.com';
      const audience = condition('StringEquals', `${issuer}:aud`, ['sts.amazonaws.com']);
      return {
        label: 'GitHub Actions',
        oidc: { url: hclString(`https://${issuer}`), audience: hclString('sts.amazonaws.com') },
        trust: {
          registry: {
            kind: 'oidc',
            conditions: [
              audience,
              condition('StringLike', `${issuer}:sub`, [...releaseBranches.map((branch) => `repo:${repository}:ref:refs/heads/${branch}`), `repo:${repository}:ref:refs/tags/v*`]),
            ],
          },
          // The deploy jobs run in the GitHub environment of the same name, whose protection rules apply.
          deploy: { kind: 'oidc', conditions: [audience, { test: 'StringEquals', variable: hclString(`${issuer}:sub`), values: `["repo:${repository}:environment:\${each.value}"]` }] },
        },
        variables: [],
      };
    }
    case 'gitlab-ci': {
      const issuer = 'gitlab.com';
      const audience = condition('StringEquals', `${issuer}:aud`, ['https://gitlab.com']);
      return {
        label: 'GitLab CI/CD',
        oidc: { url: hclString(`https://${issuer}`), audience: hclString('https://gitlab.com') },
        trust: {
          registry: {
            kind: 'oidc',
            conditions: [
              audience,
              condition('StringLike', `${issuer}:sub`, [
                ...releaseBranches.map((branch) => `project_path:${repository}:ref_type:branch:ref:${branch}`),
                `project_path:${repository}:ref_type:tag:ref:v*`,
              ]),
            ],
          },
          deploy: {
            kind: 'oidc',
            conditions: [audience, { test: 'StringEquals', variable: hclString(`${issuer}:sub`), values: `["project_path:${repository}:ref_type:branch:ref:\${local.deploy_branches[each.value]}"]` }],
          },
        },
        variables: [],
        deployBranches: branchMap(branches),
      };
    }
    case 'circleci': {
      // IAM reads only `aud` and `sub` of a custom issuer; CircleCI's `sub` names the organization and project.
      const issuer = 'oidc.circleci.com/org/${var.circleci_organization_id}';
      const project = [
        condition('StringEquals', `${issuer}:aud`, '[var.circleci_organization_id]'),
        condition('StringLike', `${issuer}:sub`, '["org/${var.circleci_organization_id}/project/${var.circleci_project_id}/user/*"]'),
      ];
      return {
        label: 'CircleCI',
        oidc: { url: `"https://${issuer}"`, audience: 'var.circleci_organization_id' },
        trust: { registry: { kind: 'oidc', conditions: project }, deploy: { kind: 'oidc', conditions: project } },
        variables: [
          {
            name: 'circleci_organization_id',
            description: 'CircleCI organization id (Organization Settings > Overview): the issuer and audience of its OIDC tokens.',
            type: 'string',
            validation: { condition: 'can(regex("^[0-9a-f-]{36}$", var.circleci_organization_id))', message: 'circleci_organization_id must be the organization UUID.' },
          },
          {
            name: 'circleci_project_id',
            description: 'CircleCI project id (Project Settings > Overview): only this project may sign in.',
            type: 'string',
            validation: { condition: 'can(regex("^[0-9a-f-]{36}$", var.circleci_project_id))', message: 'circleci_project_id must be the project UUID.' },
          },
        ],
      };
    }
    case 'azure-devops': {
      const issuer = 'vstoken.dev.azure.com/${var.azure_devops_organization_id}';
      const audience = condition('StringEquals', `${issuer}:aud`, ['api://AzureADTokenExchange']);
      const connection = (name: string) => `["sc://\${var.azure_devops_organization}/\${var.azure_devops_project}/${name}"]`;
      return {
        label: 'Azure DevOps Pipelines',
        oidc: { url: `"https://${issuer}"`, audience: hclString('api://AzureADTokenExchange') },
        trust: {
          // Each service connection is its own subject: the registry's, and one per environment.
          registry: { kind: 'oidc', conditions: [audience, condition('StringEquals', `${issuer}:sub`, connection(`${facts.project}-registry`))] },
          deploy: { kind: 'oidc', conditions: [audience, condition('StringEquals', `${issuer}:sub`, connection(`${facts.project}-\${each.value}`))] },
        },
        variables: [
          { name: 'azure_devops_organization_id', description: 'Azure DevOps organization id (a UUID): the issuer of its OIDC tokens.', type: 'string' },
          { name: 'azure_devops_organization', description: 'Azure DevOps organization name, as in dev.azure.com/ORGANIZATION.', type: 'string' },
          { name: 'azure_devops_project', description: 'Azure DevOps project that holds the service connections.', type: 'string' },
        ],
      };
    }
    case 'jenkins':
      return {
        label: 'Jenkins',
        trust: {
          registry: { kind: 'roles', principal: 'var.jenkins_build_agent_role_arn' },
          deploy: { kind: 'roles', principal: 'var.jenkins_deploy_agent_role_arns[each.value]' },
        },
        variables: [
          { name: 'jenkins_build_agent_role_arn', description: 'IAM role the image-building Jenkins agents run as.', type: 'string' },
          { name: 'jenkins_deploy_agent_role_arns', description: "IAM role each environment's deploy agents run as, by environment.", type: 'map(string)' },
        ],
      };
  }
};

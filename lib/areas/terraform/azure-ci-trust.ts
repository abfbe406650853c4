/**
 * How Azure trusts the chosen CI platform: federated credentials on user-assigned managed identities (no
 * client secrets), one per exact token subject, since Azure compares the issuer, audience and subject of a
 * token literally (no wildcards). The registry identity trusts this repository's deploy branches; each
 * environment's deploy identity trusts this repository's deploy job for that environment only. Jenkins has no
 * issuer Azure can trust: its agents run as the identities themselves (a VM's managed identity, or AKS
 * workload identity on the Jenkins cluster), so no credential is written.
 */
import type { InfraFacts } from '../../terraform/infrastructure.js';
import { hclList, hclString } from '../../render/hcl.js';
import type { CiVariable } from './ci-trust.js';
import { githubRegistryEnvironment } from '../../plan/naming.js';

export interface AzureCiTrust {
  label: string;
  /** The token issuer (an HCL expression), absent for Jenkins. */
  issuer?: string;
  /** Entries of `local.federated_credentials`: a credential's name, its identity and its subject. */
  credentials: string[];
  /** HCL `for` expressions adding further entries (one per person and identity, for CircleCI). */
  comprehensions: string[];
  /** What the identities' comment in ci.tf says about the subjects. */
  note: string;
  variables: CiVariable[];
}

/** The audience every platform's token is asked for, as Azure expects it. */
export const federatedAudience = 'api://AzureADTokenExchange';

const entry = (name: string, identity: string, subject: string): string =>
  `${hclString(name)} = { identity = ${hclString(identity)}, subject = ${subject} }`;

export const azureCiTrust = (facts: InfraFacts, branches: Record<string, string>, withRegistry: boolean): AzureCiTrust => {
  const repository = facts.repository;
  const releaseBranches = [...new Set(Object.values(branches))].sort();
  const environments = Object.keys(branches);
  switch (facts.ci) {
    case 'github-actions':
      return {
        label: 'GitHub Actions',
        issuer: hclString('https://token.actions.githubusercontent.com'),
        credentials: [
          // The image builds run in the GitHub environment `registry` (one subject for branches and release tags);
          // the test-target jobs of the deploy branches read the build cache under their branch's subject.
          ...(withRegistry
            ? [
                entry('registry-builds', 'registry', hclString(`repo:${repository}:environment:${githubRegistryEnvironment}`)),
                ...releaseBranches.map((branch) => entry(`registry-${branch}`, 'registry', hclString(`repo:${repository}:ref:refs/heads/${branch}`))),
              ]
            : []),
          // The deploy jobs run in the GitHub environment of the same name, whose protection rules apply.
          ...environments.map((environment) => entry(environment, environment, hclString(`repo:${repository}:environment:${environment}`))),
        ],
        note: `GitHub Actions tokens of ${repository}: the image builds in the GitHub environment ${githubRegistryEnvironment} (Azure matches subjects exactly, and a release tag's subject is new each time; restrict that environment to ${releaseBranches.join(', ')} and v* tags), the build cache reads of ${releaseBranches.join(', ')}, and each deploy job in its GitHub environment.`,
        comprehensions: [],
        variables: [],
      };
    case 'gitlab-ci':
      return {
        label: 'GitLab CI/CD',
        issuer: hclString('https://gitlab.com'),
        credentials: [
          ...(withRegistry ? releaseBranches.map((branch) => entry(`registry-${branch}`, 'registry', hclString(`project_path:${repository}:ref_type:branch:ref:${branch}`))) : []),
          ...environments.map((environment) => entry(environment, environment, hclString(`project_path:${repository}:ref_type:branch:ref:${branches[environment]}`))),
        ],
        comprehensions: [],
        note: `GitLab id tokens of ${repository} on the branch each identity deploys from; protect those branches, as Azure cannot check ref_protected.`,
        variables: [],
      };
    case 'circleci': {
      const subject = (user: string) => `"org/\${var.circleci_organization_id}/project/\${var.circleci_project_id}/user/\${${user}}"`;
      return {
        label: 'CircleCI',
        issuer: '"https://oidc.circleci.com/org/${var.circleci_organization_id}"',
        credentials: [],
        comprehensions: [
          ...(withRegistry ? [`for user in var.circleci_user_ids : "registry-\${user}" => { identity = "registry", subject = ${subject('user')} }`] : []),
          `for pair in setproduct(${hclList(environments)}, var.circleci_user_ids) : "\${pair[0]}-\${pair[1]}" => { identity = pair[0], subject = ${subject('pair[1]')} }`,
        ],
        note: "CircleCI tokens of this project (its id names it; the repository is not in the token's subject). The subject also names the person who started the pipeline, and Azure matches it exactly: one credential per person in circleci_user_ids and identity.",
        variables: [
          {
            name: 'circleci_organization_id',
            description: 'CircleCI organization id (Organization Settings > Overview): the issuer of its OIDC tokens.',
            type: 'string',
            validation: { condition: 'can(regex("^[0-9a-f-]{36}$", var.circleci_organization_id))', message: 'circleci_organization_id must be the organization UUID.' },
          },
          {
            name: 'circleci_project_id',
            description: 'CircleCI project id (Project Settings > Overview): only this project may sign in.',
            type: 'string',
            validation: { condition: 'can(regex("^[0-9a-f-]{36}$", var.circleci_project_id))', message: 'circleci_project_id must be the project UUID.' },
          },
          {
            name: 'circleci_user_ids',
            description: 'CircleCI user ids of the people whose pipelines may push images and deploy (the user part of the token subject).',
            type: 'list(string)',
          },
        ],
      };
    }
    case 'azure-devops': {
      const connection = (name: string) => `"sc://\${var.azure_devops_organization}/\${var.azure_devops_project}/${name}"`;
      return {
        label: 'Azure DevOps Pipelines',
        issuer: '"https://vstoken.dev.azure.com/${var.azure_devops_organization_id}"',
        credentials: [
          // Each service connection is its own subject: the registry's, and one per environment.
          ...(withRegistry ? [entry('registry', 'registry', connection(`${facts.project}-registry`))] : []),
          ...environments.map((environment) => entry(environment, environment, connection(`${facts.project}-${environment}`))),
        ],
        comprehensions: [],
        note: `Azure DevOps service connections with workload identity federation of the project that builds ${repository}: ${facts.project}-registry for the image builds and ${facts.project}-ENVIRONMENT for each environment's stage.`,
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
        credentials: [],
        comprehensions: [],
        note: 'Jenkins has no OpenID Connect issuer Azure can trust: attach each identity to the agents that use it (the VM\'s user-assigned identity, or a federated credential for the agent pods\' ServiceAccount on an AKS cluster with azurerm_federated_identity_credential), one kind of agent per identity.',
        variables: [],
      };
  }
};


/** What kind of registry images are pushed to, read from its host: it decides how a pipeline logs in. */
export interface RegistryLogin {
  kind: 'ghcr' | 'ecr' | 'gar' | 'acr' | 'gitlab' | 'other';
  host: string;
  /** ECR's region, from its host name. */
  region?: string;
  /** ACR's registry name (the first label of its host). */
  name?: string;
  /** Whether the pipeline logs in with its OIDC identity rather than a stored credential. */
  oidc: boolean;
}

export const registryLogin = (registry: string): RegistryLogin => {
  const host = registry.split('/')[0];
  const ecr = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
  if (host === 'ghcr.io') return { kind: 'ghcr', host, oidc: false };
  if (ecr) return { kind: 'ecr', host, region: ecr[1], oidc: true };
  if (/-docker\.pkg\.dev$/.test(host) || /(^|\.)gcr\.io$/.test(host)) return { kind: 'gar', host, oidc: true };
  if (/\.azurecr\.io$/.test(host)) return { kind: 'acr', host, name: host.split('.')[0], oidc: true };
  if (host === 'registry.gitlab.com') return { kind: 'gitlab', host, oidc: false };
  return { kind: 'other', host, oidc: false };
};

/**
 * The one place names are derived, so Dockerfiles, compose, manifests, pipelines, alerts and docs agree.
 */
import type { Service } from '../catalog/service.js';
import type { Config } from './types.js';

export const productionEnvironment = (config: Config): string => config.environments[config.environments.length - 1];

/** Full image repository (no tag): `<registry>/<project>-<service>`, or `<registry>/<project>` when they match. */
export const imageRepository = (config: Config, service: Service): string =>
  `${config.registry}/${service.name === config.name ? config.name : `${config.name}-${service.name}`}`;

/** Kubernetes namespace (and compose project) of one environment. */
export const namespaceFor = (config: Config, environment: string): string =>
  `${config.name}-${environment}`.slice(0, 63).replace(/-+$/, '');

/** Public host of one environment: production gets the domain, the others a sub-domain of it. */
export const hostFor = (config: Config, environment: string): string =>
  environment === productionEnvironment(config) ? config.domain : `${environment}.${config.domain}`;

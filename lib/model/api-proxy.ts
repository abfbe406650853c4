/**
 * The same-origin /api proxy of a front end served by nginx: its target is chosen when the container starts,
 * from API_UPSTREAM (nginx/40-runtime-config.sh), so one image serves every platform. The image's default is
 * the API back end's DNS name and port under compose and Kubernetes; each container platform's Terraform sets
 * what resolves there, or `off` where its load balancer routes /api to the back end itself.
 */
import type { ServiceModel, StackModel } from './types.js';

export const apiUpstreamVariable = 'API_UPSTREAM';
/** The value that turns the proxy off: nginx then needs no upstream name and answers /api/ with 404. */
export const apiUpstreamOff = 'off';

/** The API back end a front end proxies /api/ to, with its compose and Kubernetes name and port; none for other services. */
export const apiProxyOf = (model: Pick<StackModel, 'apiBackend'>, service: Pick<ServiceModel, 'servedByNginx'>) => {
  const backend = model.apiBackend;
  if (!service.servedByNginx || backend?.port === undefined) return undefined;
  return { service: backend.name, port: backend.port, server: `${backend.name}:${backend.port}` };
};

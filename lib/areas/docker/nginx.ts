/**
 * The nginx configuration of a front-end image (nginx-unprivileged): SPA fallback, caching by file kind,
 * gzip, security headers, a quiet health path, same-origin /api proxying to the first back end, and the
 * runtime configuration (API_URL, and API_UPSTREAM: where /api goes, or `off`) written at container start.
 * Everything writable lives under /tmp, so the container runs with a read-only root filesystem and a /tmp
 * volume.
 */
import { createHash } from 'node:crypto';
import { apiProxyOf, apiUpstreamOff, apiUpstreamVariable, type ServiceModel, type StackModel } from '../../model/index.js';
import { inService } from '../../plan/naming.js';

/** Where the files live in the image; the nginx test maps each of these to its temp folder. */
export const nginxPaths = {
  mainConfig: '/etc/nginx/nginx.conf',
  serverConfig: '/etc/nginx/conf.d/default.conf',
  securityHeaders: '/etc/nginx/snippets/security-headers.conf',
  entrypointScript: '/docker-entrypoint.d/40-runtime-config.sh',
  html: '/usr/share/nginx/html',
  /** Written at start by the entrypoint script: config.js for the browser, api-origin.conf for nginx. */
  runtimeConfig: '/tmp/runtime-config',
  /** Written at start from API_UPSTREAM: the upstream block (http level) and the /api location's handler. */
  apiUpstreamConfig: '/tmp/runtime-config/http.d',
  apiLocationConfig: '/tmp/runtime-config/api.d',
} as const;

/** The repository files, inside the service folder so that the Dockerfile can COPY them. */
export const nginxFiles = (service: ServiceModel['source']) => ({
  mainConfig: inService(service, 'nginx/nginx.conf'),
  serverConfig: inService(service, 'nginx/default.conf'),
  securityHeaders: inService(service, 'nginx/security-headers.conf'),
  entrypointScript: inService(service, 'nginx/40-runtime-config.sh'),
});

/**
 * Angular (17+) inlines critical CSS and loads the full style sheet with `onload="this.media='all'"`;
 * CSP allows exactly that handler through its hash with 'unsafe-hashes', and nothing else inline.
 */
const inlineHandlerHash = (handler: string) => `'sha256-${createHash('sha256').update(handler).digest('base64')}'`;

const contentSecurityPolicy = (service: ServiceModel): string => {
  const scriptSources = ["'self'", ...(service.framework === 'angular' ? ["'unsafe-hashes'", inlineHandlerHash("this.media='all'")] : [])];
  return [
    "default-src 'self'",
    `script-src ${scriptSources.join(' ')}`,
    // Frameworks set style attributes and inject <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // $api_origin: the API_URL origin when the API is on another host (written at start, empty otherwise).
    "connect-src 'self' $api_origin",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
};

export const planNginx = (model: StackModel, service: ServiceModel) => {
  const proxy = apiProxyOf(model, service);
  if (service.health.kind !== 'http') throw new Error(`internal: front end ${service.name} has no HTTP health route`);
  return {
    paths: nginxPaths,
    port: service.port,
    healthPath: service.health.path,
    /** The /api proxy: its target comes from `variable` at start; `server` (compose's and Kubernetes' name) is the image's default. */
    upstream: proxy ? { service: proxy.service, server: proxy.server, variable: apiUpstreamVariable, off: apiUpstreamOff } : undefined,
    contentSecurityPolicy: contentSecurityPolicy(service),
    /** The API_URL the browser gets when the container sets none: the same-origin proxy, if there is one. */
    defaultApiUrl: proxy ? '/api' : '',
  };
};

export type NginxPlan = ReturnType<typeof planNginx>;

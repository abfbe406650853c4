/**
 * How each service is checked: its HTTP health route when it has one, else whether its port accepts
 * connections (never a guessed path), and nothing for workers. The probe command runs inside the runtime
 * image with a tool that image is known to contain.
 */
import { isStaticFrontend, type Service } from '../catalog/service.js';
import type { HealthModel, ImageFamily, ProbeCommand } from './types.js';

/** The route phase4's own nginx configuration answers in front-end images. */
export const nginxHealthPath = '/healthz';
/** The port nginx-unprivileged listens on in front-end images. */
export const nginxPort = 8080;

export const healthOf = (service: Service): HealthModel => {
  if (service.kind === 'worker' || service.port === undefined) return { kind: 'none' };
  if (isStaticFrontend(service) || service.language === 'static') {
    const path = service.healthPath ?? nginxHealthPath;
    return { kind: 'http', port: service.port, path, url: `http://127.0.0.1:${service.port}${path}` };
  }
  if (service.healthPath !== undefined) {
    return { kind: 'http', port: service.port, path: service.healthPath, url: `http://127.0.0.1:${service.port}${service.healthPath}` };
  }
  return { kind: 'tcp', port: service.port };
};

// No timeout of its own: Docker and Kubernetes end a probe that outlives theirs and count it failed.
const javascriptProbe = (health: Exclude<HealthModel, { kind: 'none' }>): string =>
  health.kind === 'http'
    ? `fetch('${health.url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`
    : `require('net').connect(${health.port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;

/** The health probe inside the runtime image of `family`; undefined when nothing listens. */
export const probeOf = (family: ImageFamily, health: HealthModel): ProbeCommand | undefined => {
  if (health.kind === 'none') return undefined;
  const target = health.kind === 'http' ? health.url : `tcp://127.0.0.1:${health.port}`;
  switch (family) {
    case 'node':
      return { argv: ['node', '-e', javascriptProbe(health)], note: 'node is in the image: it probes the service itself, no curl needed.' };
    case 'bun':
      return { argv: ['bun', '-e', javascriptProbe(health)], note: 'bun is in the image: it probes the service itself, no curl needed.' };
    case 'python':
      return {
        argv: [
          'python',
          '-c',
          health.kind === 'http'
            ? `import urllib.request; urllib.request.urlopen('${health.url}', timeout=4)`
            : `import socket; socket.create_connection(('127.0.0.1', ${health.port}), timeout=4).close()`,
        ],
        note:
          health.kind === 'http'
            ? 'python is in the image: urllib probes the health route and raises on an error status (no curl needed).'
            : 'python is in the image: it checks that the port accepts connections (the service has no health route).',
      };
    case 'go':
      return {
        argv: ['/app/healthcheck', target],
        note: 'distroless has no shell, curl or wget: the probe built from docker/healthcheck checks the service.',
      };
    case 'java':
      return {
        argv: ['java', '-Xmx16m', '-XX:TieredStopAtLevel=1', '-cp', '/opt/healthcheck', 'HealthCheck', target],
        note: 'The JRE image does not promise curl or wget: the HealthCheck class built from docker/healthcheck checks the service.',
      };
    case 'nginx':
      return {
        argv: ['wget', '-q', '-O', '/dev/null', target],
        note: 'BusyBox wget is part of the Alpine-based nginx image; nginx answers the health route itself.',
      };
  }
};

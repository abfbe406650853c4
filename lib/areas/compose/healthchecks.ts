/**
 * Compose healthchecks of the application containers, in `CMD` (exec) form with a tool each runtime image is
 * known to contain, so `depends_on: condition: service_healthy` is explicit in compose and does not rely on
 * the image. Where no such tool exists (Go on distroless: no shell, no wget; Java: the JRE image's tools are
 * not part of our contract) compose defines none and the image's own HEALTHCHECK applies.
 */
import type { Service } from '../../catalog/service.js';

/** nginx-unprivileged serves every front end on 8080 with `/healthz` (the docker area's contract). */
export const frontendContainerPort = 8080;
export const frontendHealthPath = '/healthz';

export type Healthcheck = { test: string[]; startPeriod: string } | { test?: undefined; reason: string };

/** Container port the service listens on inside its container. */
export const containerPortOf = (service: Service): number | undefined =>
  service.kind === 'frontend' ? frontendContainerPort : service.kind === 'backend' ? service.port : undefined;

export const healthcheckOf = (service: Service): Healthcheck => {
  if (service.kind === 'worker') {
    return { reason: 'Workers serve no HTTP endpoint: compose has nothing to probe, and nothing waits for them.' };
  }
  if (service.kind === 'frontend') {
    const url = `http://127.0.0.1:${frontendContainerPort}${frontendHealthPath}`;
    // busybox wget is part of the alpine-based nginx-unprivileged image.
    return { test: ['CMD', 'wget', '--quiet', '--spider', url], startPeriod: '10s' };
  }
  const url = `http://127.0.0.1:${service.port}${service.healthPath}`;
  switch (service.language) {
    case 'node':
      // fetch is built into Node 18+; any HTTP error or refused connection exits non-zero.
      return {
        test: ['CMD', 'node', '-e', `fetch('${url}').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))`],
        startPeriod: '20s',
      };
    case 'python':
      // urlopen raises on HTTP errors and refused connections, which exits non-zero.
      return {
        test: ['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`],
        startPeriod: '20s',
      };
    case 'go':
      return {
        reason:
          'The Go runtime image is distroless (no shell, no wget), so compose defines no healthcheck: ' +
          "the image's HEALTHCHECK applies, and service_healthy waits for it.",
      };
    case 'java':
      return {
        reason:
          "Compose cannot rely on any tool in the Java runtime image, so it defines no healthcheck: the image's " +
          'HEALTHCHECK applies, and service_healthy waits for it.',
      };
    case 'static':
      // A static site is always a front end (validated by the catalog); kept for exhaustiveness.
      return { reason: 'A static site has no back-end process to probe.' };
  }
};

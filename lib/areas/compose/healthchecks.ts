/**
 * Compose healthchecks of the application containers, in `CMD` (exec) form with a tool each runtime image is
 * known to contain, so `depends_on: condition: service_healthy` is explicit in compose and does not rely on
 * the image. Where no such tool exists (Go on distroless: no shell, no wget; Java: the JRE image's tools are
 * not part of our contract) compose defines none and the image's own HEALTHCHECK applies.
 */
import type { Service } from '../../catalog/service.js';

export type Healthcheck = { test: string[]; startPeriod: string } | { test?: undefined; reason: string };

/**
 * Port the service listens on inside its container: its own port (front ends: the port nginx-unprivileged
 * listens on, 8080 unless configured otherwise); workers listen on none.
 */
export const containerPortOf = (service: Service): number | undefined => (service.kind === 'worker' ? undefined : service.port);

export const healthcheckOf = (service: Service): Healthcheck => {
  if (service.kind === 'worker') {
    return { reason: 'Workers serve no HTTP endpoint: compose has nothing to probe, and nothing waits for them.' };
  }
  const url = `http://127.0.0.1:${service.port}${service.healthPath}`;
  if (service.kind === 'frontend') {
    // busybox wget is part of the alpine-based nginx-unprivileged image.
    return { test: ['CMD', 'wget', '-q', '--spider', url], startPeriod: '10s' };
  }
  switch (service.language) {
    case 'node':
      // fetch is built into Node 18+; an HTTP error or a refused connection exits non-zero.
      return {
        test: ['CMD', 'node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
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
      return { reason: 'A static site has no process of its own to probe.' };
  }
};

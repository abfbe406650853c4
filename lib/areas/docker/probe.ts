/**
 * The health probe programs for runtime images without a shell, curl or wget (Go on distroless) or without
 * a guaranteed HTTP client (the JRE image): small programs phase4 writes into the service folder, compiled
 * in the build stage and run by HEALTHCHECK with the health URL as their only argument.
 */
import type { Service } from '../../catalog/service.js';
import { inService } from '../../plan/naming.js';
import { allImages } from '../../versions/index.js';
import { inContext } from './common.js';

/** The folder the probe's sources live in, inside the service folder and so inside its build context. */
export const probeFolder = (service: Service): string => inService(service, 'docker/healthcheck');

/** The Go language version of the probe's own module: the one of the pinned golang image. */
const goLanguageVersion = (): string => {
  const tag = allImages().golang?.tag ?? '';
  const version = tag.match(/^\d+\.\d+/)?.[0];
  if (!version) throw new Error(`internal: cannot read the Go version from the golang image tag '${tag}'`);
  return version;
};

export const planGoProbe = (service: Service) => ({
  /** Its own module, so the service's `go build ./...`, `go vet ./...` and `go test ./...` never see it. */
  files: [
    { path: `${probeFolder(service)}/go.mod`, template: 'healthcheck/go.mod.ejs', data: { goVersion: goLanguageVersion() } },
    { path: `${probeFolder(service)}/main.go`, template: 'healthcheck/main.go.ejs', data: {} },
  ],
  folderInContext: inContext(service, probeFolder(service)),
});

export const planJavaProbe = (service: Service) => ({
  files: [{ path: `${probeFolder(service)}/HealthCheck.java`, template: 'healthcheck/HealthCheck.java.ejs', data: {} }],
  sourceInContext: inContext(service, `${probeFolder(service)}/HealthCheck.java`),
});

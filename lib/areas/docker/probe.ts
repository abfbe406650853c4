/**
 * The health probe programs for runtime images without a shell, curl or wget (Go on distroless) or without
 * a guaranteed HTTP client (the JRE image): small programs phase4 writes into the service folder, compiled
 * in the build stage and run by HEALTHCHECK with the URL (or tcp://host:port) as their only argument.
 */
import type { ImageModel } from '../../model/index.js';
import { inService } from '../../plan/naming.js';
import { runtimeTracks } from '../../versions/index.js';
import { inContext } from './common.js';

/** The folder the probe's sources live in, inside the service folder and so inside its build context. */
const probeFolder = (image: ImageModel): string => inService(image.source, 'docker/healthcheck');

/**
 * The Go language version of the probe's module: the oldest pinned Go release line, so that every pinned
 * image (and any maintained Go) builds it; the probe uses nothing newer.
 */
const goLanguageVersion = (): string => {
  const version = runtimeTracks('go').at(-1)?.version.match(/^\d+\.\d+/)?.[0];
  if (!version) throw new Error('internal: no Go track in lib/versions/versions.json');
  return version;
};

export const planGoProbe = (image: ImageModel) => ({
  /** Its own module, so the service's `go build ./...`, `go vet ./...` and `go test ./...` never see it. */
  files: [
    { path: `${probeFolder(image)}/go.mod`, template: 'healthcheck/go.mod.ejs', data: { goVersion: goLanguageVersion() } },
    { path: `${probeFolder(image)}/main.go`, template: 'healthcheck/main.go.ejs', data: {} },
  ],
  folderInContext: inContext(image, probeFolder(image)),
});

export const planJavaProbe = (image: ImageModel) => ({
  files: [{ path: `${probeFolder(image)}/HealthCheck.java`, template: 'healthcheck/HealthCheck.java.ejs', data: {} }],
  sourceInContext: inContext(image, `${probeFolder(image)}/HealthCheck.java`),
});

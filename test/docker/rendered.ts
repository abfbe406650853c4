/** Plans and renders the docker area for the test matrix, and writes the result to a temp folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dockerArea } from '../../lib/areas/docker/index.js';
import type { Service } from '../../lib/catalog/service.js';
import { dockerfilePath } from '../../lib/plan/naming.js';
import type { Config } from '../../lib/plan/types.js';
import { renderAll, type RenderedFile } from '../../lib/render/render.js';
import { tempDir } from '../helpers/folders.js';
import { parseDockerfile, type ParsedDockerfile } from './dockerfile-parse.js';
import { matrixConfigs } from './matrix.js';

export interface RenderedService {
  config: Config;
  service: Service;
  /** The service's Dockerfile: repository path, text, path on disk, parsed. */
  dockerfile: { path: string; text: string; file: string; parsed: ParsedDockerfile };
  /** Every file planned for the service, by repository path. */
  files: Map<string, RenderedFile>;
}

export const renderConfig = (config: Config): RenderedFile[] => renderAll(dockerArea.plan(config, { otherFiles: [] }));

/** Renders every matrix config into `<temp>/<config name>/...`; returns the folder and each service's files. */
export const renderMatrix = (): { root: string; services: RenderedService[] } => {
  const root = tempDir('phase4-docker-');
  const services: RenderedService[] = [];
  for (const config of matrixConfigs()) {
    const rendered = renderConfig(config);
    for (const file of rendered) {
      const target = path.join(root, config.name, file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    for (const service of config.services) {
      const own = rendered.filter((file) => file.path === dockerfilePath(service) || belongsTo(service, file.path, config));
      const dockerfile = rendered.find((file) => file.path === dockerfilePath(service));
      if (!dockerfile) throw new Error(`no Dockerfile planned for ${service.name}`);
      services.push({
        config,
        service,
        dockerfile: {
          path: dockerfile.path,
          text: dockerfile.contents,
          file: path.join(root, config.name, dockerfile.path),
          parsed: parseDockerfile(dockerfile.contents),
        },
        files: new Map(own.map((file) => [file.path, file])),
      });
    }
  }
  return { root, services };
};

/** A file belongs to the service whose folder holds it most closely (services may nest, `.` holds all). */
const belongsTo = (service: Service, file: string, config: Config): boolean => {
  const holders = config.services.filter((candidate) => candidate.path === '.' || file.startsWith(`${candidate.path}/`));
  const closest = holders.sort((a, b) => b.path.length - a.path.length)[0];
  return closest?.name === service.name;
};

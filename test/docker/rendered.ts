/** Plans and renders the docker area for the test matrix, and writes the result to a temp folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dockerArea } from '../../lib/areas/docker/index.js';
import { derive } from '../../lib/model/derive.js';
import type { ImageModel, ServiceModel, StackModel } from '../../lib/model/types.js';
import type { Config } from '../../lib/plan/types.js';
import { renderAll, type RenderedFile } from '../../lib/render/render.js';
import { tempDir } from '../helpers/folders.js';
import { parseDockerfile, type ParsedDockerfile } from './dockerfile-parse.js';
import { matrixConfigs } from './matrix.js';

export interface RenderedImage {
  config: Config;
  model: StackModel;
  image: ImageModel;
  /** The service that owns the image: its port, health check and start command are the image's. */
  service: ServiceModel;
  /** The image's Dockerfile: repository path, text, path on disk, parsed. */
  dockerfile: { path: string; text: string; file: string; parsed: ParsedDockerfile };
  /** Every file planned for the image, by repository path. */
  files: Map<string, RenderedFile>;
}

export const renderConfig = (config: Config): RenderedFile[] => renderAll(dockerArea.plan(derive(config), { otherFiles: [] }));

/** Renders every matrix config into `<temp>/<config name>/...`; returns the folder and each image's files. */
export const renderMatrix = (): { root: string; images: RenderedImage[] } => {
  const root = tempDir('phase4-docker-');
  const images: RenderedImage[] = [];
  for (const config of matrixConfigs()) {
    const model = derive(config);
    const rendered = renderAll(dockerArea.plan(model, { otherFiles: [] }));
    for (const file of rendered) {
      const target = path.join(root, config.name, file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    for (const image of model.images) {
      const own = rendered.filter((file) => belongsTo(image, file.path, model));
      const dockerfile = rendered.find((file) => file.path === image.dockerfile);
      if (!dockerfile) throw new Error(`no Dockerfile planned for ${image.owner}`);
      images.push({
        config,
        model,
        image,
        service: model.services.find((service) => service.name === image.owner)!,
        dockerfile: { path: dockerfile.path, text: dockerfile.contents, file: path.join(root, config.name, dockerfile.path), parsed: parseDockerfile(dockerfile.contents) },
        files: new Map(own.map((file) => [file.path, file])),
      });
    }
  }
  return { root, images };
};

/** A file belongs to the image whose folder holds it most closely (folders may nest, `.` holds all). */
const belongsTo = (image: ImageModel, file: string, model: StackModel): boolean => {
  const holders = model.images.filter((candidate) => candidate.source.path === '.' || file.startsWith(`${candidate.source.path}/`));
  const closest = holders.sort((a, b) => b.source.path.length - a.source.path.length)[0];
  return closest?.owner === image.owner;
};

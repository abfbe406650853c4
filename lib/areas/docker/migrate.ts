/**
 * The `migrate` target: for migration tools that are not part of the runtime image (Node's migration CLIs
 * are usually development dependencies; goose and golang-migrate are programs of their own), a stage built
 * from the same sources runs them.
 */
import type { ImageModel, StackModel } from '../../model/index.js';
import { execForm } from './common.js';

export const migrateStage = (model: StackModel, image: ImageModel, from: string) => {
  const service = model.services.find((candidate) => image.services.includes(candidate.name) && candidate.migrations?.target === 'migrate');
  const migrations = service?.migrations;
  if (!migrations || !migrations.separate) return undefined;
  const setup = image.family === 'go' ? migrations.install : undefined;
  return { tool: migrations.tool, from, setup, cmd: execForm(migrations.argv) };
};

/**
 * The `migrate` target: for migration tools that are not part of the runtime image (Node's migration CLIs
 * are usually development dependencies; goose and golang-migrate are programs of their own), a stage built
 * from the same sources runs them.
 */
import type { ImageModel, StackModel } from '../../model/index.js';
import { toolVersion } from '../../versions/index.js';
import { execForm } from './common.js';

/** Go migration CLIs, installed at the pinned version (golang-migrate with the drivers phase4 provisions). */
const goInstalls: Record<string, () => string> = {
  goose: () => `go install github.com/pressly/goose/v3/cmd/goose@${toolVersion('goose')}`,
  'golang-migrate': () => `go install -tags 'postgres mysql mongodb' github.com/golang-migrate/migrate/v4/cmd/migrate@${toolVersion('golang-migrate')}`,
};

export const migrateStage = (model: StackModel, image: ImageModel, from: string) => {
  const service = model.services.find((candidate) => image.services.includes(candidate.name) && candidate.migrations?.target === 'migrate');
  const migrations = service?.migrations;
  if (!migrations || !migrations.separate) return undefined;
  const setup = image.family === 'go' ? goInstalls[migrations.tool]?.() : undefined;
  return { tool: migrations.tool, from, setup, cmd: execForm(migrations.argv) };
};

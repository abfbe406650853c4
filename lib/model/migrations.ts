/** How a service's schema migrations run before a new version of it starts. */
import type { Service } from '../catalog/service.js';
import { toolVersion } from '../versions/index.js';
import { parseCommand } from './shell-words.js';
import type { MigrationModel } from './types.js';

/** Tools whose command lines phase4 runs from the image's working folder, and which need a shell. */
const execOf = (command: string): string[] => {
  const parsed = parseCommand(command);
  if (parsed.needsShell || parsed.assignments.length > 0 || parsed.argv.some((word) => word.includes('$'))) return ['sh', '-c', command];
  const launchers = ['uv', 'poetry', 'pdm', 'pipenv'];
  let argv = parsed.argv;
  while (launchers.includes(argv[0]) && argv[1] === 'run') argv = argv.slice(2);
  if ((argv[0] === 'npx' || argv[0] === 'bunx') && argv.length > 1) argv = argv.slice(1);
  return argv;
};

/** Go migration CLIs are programs of their own, installed at the pinned version (golang-migrate with the drivers phase4 provisions). */
const goInstalls: Record<string, () => string> = {
  goose: () => `go install github.com/pressly/goose/v3/cmd/goose@${toolVersion('goose')}`,
  'golang-migrate': () => `go install -tags 'postgres mysql mongodb' github.com/golang-migrate/migrate/v4/cmd/migrate@${toolVersion('golang-migrate')}`,
};

export const migrationsOf = (service: Service): MigrationModel | undefined => {
  const migrations = service.migrations;
  if (!migrations) return undefined;
  const atStartUp =
    migrations.tool === 'other' || (service.framework === 'spring-boot' && (migrations.tool === 'flyway' || migrations.tool === 'liquibase'));
  const separateTool = service.language === 'node' || (service.language === 'go' && (migrations.tool === 'goose' || migrations.tool === 'golang-migrate'));
  return {
    tool: migrations.tool,
    command: migrations.command,
    argv: execOf(migrations.command),
    separate: !atStartUp,
    target: separateTool ? 'migrate' : 'runtime',
    ...(service.language === 'go' && goInstalls[migrations.tool] ? { install: goInstalls[migrations.tool]() } : {}),
  };
};

/** Rendering the compose area into a folder laid out like the user's repository, and reading it back. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Service } from '../../lib/catalog/service.js';
import { composeArea } from '../../lib/areas/compose/index.js';
import { derive } from '../../lib/model/derive.js';
import { buildContextOf, dockerfilePath } from '../../lib/plan/naming.js';
import type { Config } from '../../lib/plan/types.js';
import { renderAll, type RenderedFile } from '../../lib/render/render.js';
import { runTool, type ToolResult } from '../helpers/tools.js';

export const render = (config: Config): RenderedFile[] => renderAll(composeArea.plan(derive(config), { otherFiles: [] }));

const inFolder = (folder: string, file: string) => (folder === '.' ? file : `${folder}/${file}`);

/**
 * The dependency files a repository holds for one service, written out by hand from each tool's own
 * conventions (not from the generator's model), so the tests can check that live reload watches files
 * that exist: a Node.js package's package.json, and the lockfile and workspace settings at the folder it is
 * built from; a Python project's pyproject.toml and lockfile, or the requirement files its install command
 * names (requirements.txt when it names none); go.mod; pom.xml or build.gradle; a static index.html.
 */
export const dependencyFilesOf = (service: Service): string[] => {
  const context = buildContextOf(service);
  switch (service.language) {
    case 'node': {
      const workspace = context !== service.path;
      return [
        inFolder(service.path, 'package.json'),
        ...(service.lockfile ? [service.lockfile] : []),
        ...(workspace ? [inFolder(context, 'package.json')] : []),
        ...(workspace && service.packageManager === 'pnpm' ? [inFolder(context, 'pnpm-workspace.yaml')] : []),
      ];
    }
    case 'python': {
      if (service.packageManager === 'poetry') return [inFolder(context, 'pyproject.toml'), inFolder(context, 'poetry.lock')];
      if (service.packageManager === 'uv') return [...new Set([inFolder(context, 'pyproject.toml'), inFolder(service.path, 'pyproject.toml'), inFolder(context, 'uv.lock')])];
      const named = [...(service.commands.install ?? '').matchAll(/-r\s+(\S+)/g)].map((match) => inFolder(context, match[1]));
      if (named.length > 0) return named;
      return [inFolder(context, service.commands.install ? 'pyproject.toml' : 'requirements.txt')];
    }
    case 'go':
      return [inFolder(service.path, 'go.mod')];
    case 'java':
      return [];
    case 'static':
      return [inFolder(service.path, 'index.html')];
  }
};

/**
 * Writes the rendered files plus what the docker area and the user's repository would hold: each service's
 * folder and build context, its dependency files, and a Dockerfile at the path compose names (compose
 * `config` reads none of them, but `docker compose build` and `docker compose watch` would).
 */
export const writeRepository = (dir: string, config: Config, files: RenderedFile[]): void => {
  for (const service of config.services) {
    mkdirSync(path.join(dir, service.path), { recursive: true });
    mkdirSync(path.join(dir, buildContextOf(service)), { recursive: true });
    writeFileSync(path.join(dir, dockerfilePath(service)), `FROM scratch AS test\nFROM scratch\n`);
    for (const file of dependencyFilesOf(service)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), '');
    }
  }
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.contents);
  }
};

export const readYaml = (dir: string, file: string): Record<string, any> => parse(readFileSync(path.join(dir, file), 'utf8'));

/**
 * The real Compose v2 on the files, with PATH and HOME only (runTool): no variable of the caller's shell
 * (COMPOSE_FILE, API_HOST_PORT, anything the files interpolate) can change the result or stand in for one
 * that the files and .env leave unset.
 */
export const compose = (dir: string, files: string[], args: string[]): ToolResult =>
  runTool('docker-compose', [...files.flatMap((file) => ['-f', file]), ...args], { cwd: dir });

/** The resolved model `docker compose config` prints: interpolated, merged, with absolute paths. */
export const resolved = (dir: string, files: string[]): Record<string, any> => {
  const result = compose(dir, files, ['config', '--format', 'json']);
  if (result.status !== 0) throw new Error(`docker compose config failed:\n${result.output}`);
  return JSON.parse(result.stdout);
};

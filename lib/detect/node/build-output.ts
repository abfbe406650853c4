/**
 * Where the build writes what is served or run, relative to the service folder: Vite `build.outDir`,
 * Angular `outputPath` (+ `browser` for the application builder), Create React App `build`, SvelteKit's
 * static adapter, Next `.next/standalone` (with `output: 'standalone'`) or `.next`, Nuxt `.output`,
 * tsconfig `outDir` for compiled back ends.
 */
import path from 'node:path';
import type { Framework } from '../../catalog/service.js';
import { evidence, type Found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import type { Evidence } from '../types.js';
import { inFolder } from '../workspaces.js';
import { readNestCli, buildTsConfig, readJsonc } from './typescript.js';
import { nxBuild } from './nx.js';
import { codeOf } from './source.js';
import { relativePath } from '../../repo-paths.js';

export interface OutputFound {
  value?: string;
  evidence: Evidence;
  /** Set when the output lies outside the service folder (a front end built into another service). */
  outside?: string;
}

/** The first config file of a tool in the folder (`vite.config.ts`, `next.config.mjs`). */
export const configFile = (index: RepoIndex, folder: string, tool: string): string | undefined =>
  ['ts', 'mts', 'js', 'mjs', 'cjs', 'cts'].map((extension) => inFolder(folder, `${tool}.config.${extension}`)).find((file) => index.has(file));

const normalized = (folder: string, value: string, file: string, note: string, text?: string, offset?: number): OutputFound => {
  const repoPath = path.posix.normalize(inFolder(folder, value.replace(/^\.\//, '').replace(/\/+$/, '')));
  const relative = relativePath(folder, repoPath);
  const where = evidence(file, note, text, offset);
  return relative.startsWith('..') || repoPath.startsWith('..') ? { evidence: where, outside: repoPath } : { value: relative, evidence: where };
};

const viteOutput = (index: RepoIndex, folder: string): OutputFound => {
  const file = configFile(index, folder, 'vite');
  const code = file ? (codeOf(index, file) ?? '') : '';
  const match = code.match(/\boutDir\s*:\s*(['"`])([^'"`$]+)\1/) ?? code.match(/\boutDir\s*:\s*(?:path\.)?(?:resolve|join)\(\s*__dirname\s*,\s*(['"`])([^'"`$]+)\1\s*\)/);
  if (file && match) return normalized(folder, match[2], file, `build.outDir '${match[2]}'`, code, match.index);
  return { value: 'dist', evidence: evidence(file ?? inFolder(folder, 'package.json'), "Vite's default build.outDir dist") };
};

const angularOutput = (index: RepoIndex, folder: string, buildScript: string): OutputFound | undefined => {
  const file = inFolder(folder, 'angular.json');
  const config = readJsonc(index, file);
  if (!config?.projects) return undefined;
  const projects = Object.entries(config.projects as Record<string, any>);
  const chosen = projects.find(([name]) => name === config.defaultProject) ?? projects.find(([, project]) => project?.projectType === 'application') ?? projects[0];
  if (!chosen) return undefined;
  const [name, project] = chosen;
  const build = project?.architect?.build ?? project?.targets?.build;
  // The default configuration (production in generated projects) overrides the options.
  // The configuration the build script names, else the default one, else `production`: the build deployed.
  const named = buildScript.match(/(?:--configuration|-c)[= ](\w+)/)?.[1] ?? (/--prod\b/.test(buildScript) ? 'production' : undefined) ?? (build?.defaultConfiguration || 'production');
  const configuration = typeof named === 'string' ? build?.configurations?.[named] : undefined;
  const outputPath = configuration?.outputPath ?? build?.options?.outputPath;
  const application = /:application$/.test(String(build?.builder));
  const text = index.read(file) ?? '';
  const offset = configuration?.outputPath ? text.lastIndexOf('"outputPath"') : text.indexOf('"outputPath"');
  if (typeof outputPath === 'string') {
    return normalized(folder, application ? `${outputPath.replace(/\/+$/, '')}/browser` : outputPath, file, `${name}: outputPath ${outputPath}${application ? ' (the application builder writes browser/)' : ''}`, text, offset);
  }
  if (outputPath && typeof outputPath === 'object' && typeof outputPath.base === 'string') {
    const browser = typeof outputPath.browser === 'string' ? outputPath.browser : 'browser';
    return normalized(folder, browser ? `${outputPath.base}/${browser}` : outputPath.base, file, `${name}: outputPath.base ${outputPath.base}, browser '${browser}'`, text, offset);
  }
  return { value: `dist/${name}${application ? '/browser' : ''}`, evidence: evidence(file, `${name}: Angular's default outputPath dist/${name}`) };
};

const nextOutput = (index: RepoIndex, folder: string): OutputFound => {
  const file = configFile(index, folder, 'next');
  const code = file ? (codeOf(index, file) ?? '') : '';
  const dist = code.match(/\bdistDir\s*:\s*(['"`])([^'"`$]+)\1/)?.[2] ?? '.next';
  const standalone = code.match(/\boutput\s*:\s*(['"`])standalone\1/);
  if (file && standalone) return { value: `${dist}/standalone`, evidence: evidence(file, "output: 'standalone'", code, standalone.index) };
  return { value: dist, evidence: evidence(file ?? inFolder(folder, 'package.json'), file ? `next build writes ${dist} (no standalone output)` : 'next build writes .next') };
};

const svelteKitOutput = (index: RepoIndex, folder: string): OutputFound => {
  const file = configFile(index, folder, 'svelte') ?? inFolder(folder, 'package.json');
  const code = codeOf(index, file) ?? '';
  const pages = code.match(/\bpages\s*:\s*(['"`])([^'"`$]+)\1/) ?? code.match(/\bout\s*:\s*(['"`])([^'"`$]+)\1/);
  if (pages) return normalized(folder, pages[2], file, `adapter output '${pages[2]}'`, code, pages.index);
  return { value: 'build', evidence: evidence(file, "the SvelteKit adapter's default output build") };
};

/** A back end compiled by tsc or nest build: tsconfig outDir (Nest: tsconfig.build.json). */
const compiledOutput = (index: RepoIndex, folder: string, buildScript: string): OutputFound | undefined => {
  if (!/\b(tsc|nest\s+build|tsup|swc)\b/.test(buildScript)) return undefined;
  if (/\btsup\b/.test(buildScript)) return { value: 'dist', evidence: evidence(inFolder(folder, 'package.json'), 'tsup writes dist') };
  const project = buildScript.match(/\btsc\b.*?(?:-p|--project)\s+(\S+)/)?.[1];
  const config = project ? buildTsConfig(index, folder, project.endsWith('.json') ? project : `${project}/tsconfig.json`) : buildTsConfig(index, folder, /\bnest\b/.test(buildScript) ? readNestCli(index, folder).tsConfigPath : 'tsconfig.json');
  const outDir = buildScript.match(/--outDir\s+(\S+)/)?.[1];
  if (outDir) return normalized(folder, outDir, inFolder(folder, 'package.json'), `build script --outDir ${outDir}`);
  if (config?.outDir) return normalized(folder, relativePath(folder, config.outDir.value), config.outDir.file, `compilerOptions.outDir ${relativePath(folder, config.outDir.value)}`, index.read(config.outDir.file), index.read(config.outDir.file)?.indexOf('"outDir"'));
  if (/\bnest\s+build\b/.test(buildScript)) return { value: 'dist', evidence: evidence(inFolder(folder, 'package.json'), 'nest build writes dist (the Nest CLI default)') };
  return undefined;
};

export const buildOutputOf = (
  index: RepoIndex,
  folder: string,
  framework: Framework | undefined,
  dependencies: Record<string, string>,
  buildScript: string | undefined,
): OutputFound | undefined => {
  if (!buildScript) return undefined;
  if (framework === 'next') return nextOutput(index, folder);
  if (framework === 'react' && configFile(index, folder, 'next')) {
    const file = configFile(index, folder, 'next')!;
    const dist = (codeOf(index, file) ?? '').match(/\bdistDir\s*:\s*(['"`])([^'"`$]+)\1/)?.[2];
    return { value: dist ?? 'out', evidence: evidence(file, `next build with output: 'export' writes ${dist ?? 'out'}`) };
  }
  if (framework === 'vue' && /\bnux[ti]\s+generate\b/.test(buildScript)) return { value: '.output/public', evidence: evidence(inFolder(folder, 'package.json'), 'nuxt generate writes .output/public') };
  if (framework === 'nuxt') {
    return /\bnux[ti]\s+generate\b/.test(buildScript)
      ? { value: '.output/public', evidence: evidence(inFolder(folder, 'package.json'), 'nuxt generate writes .output/public') }
      : { value: '.output', evidence: evidence(configFile(index, folder, 'nuxt') ?? inFolder(folder, 'package.json'), 'nuxt build writes .output') };
  }
  if (framework === 'sveltekit' || (framework === 'svelte' && '@sveltejs/kit' in dependencies)) return svelteKitOutput(index, folder);
  if (framework === 'angular') return angularOutput(index, folder, buildScript);
  if (framework === 'react' || framework === 'vue' || framework === 'svelte') {
    if ('react-scripts' in dependencies || /\breact-scripts\s+build\b/.test(buildScript)) {
      const custom = buildScript.match(/\bBUILD_PATH=(\S+)/)?.[1];
      return custom ? normalized(folder, custom, inFolder(folder, 'package.json'), `BUILD_PATH=${custom}`) : { value: 'build', evidence: evidence(inFolder(folder, 'package.json'), 'react-scripts build writes build') };
    }
    if (/\bvue-cli-service\s+build\b/.test(buildScript)) return { value: 'dist', evidence: evidence(inFolder(folder, 'package.json'), 'vue-cli-service build writes dist') };
    return viteOutput(index, folder);
  }
  // React Router (framework mode) and Remix write build/ (client and server), unless the config moves it.
  if ('@react-router/dev' in dependencies || '@remix-run/dev' in dependencies) {
    const file = configFile(index, folder, 'react-router') ?? configFile(index, folder, 'remix');
    const code = file ? (codeOf(index, file) ?? '') : '';
    const custom = code.match(/\bbuildDirectory\s*:\s*(['"`])([^'"`$]+)\1/);
    if (file && custom) return normalized(folder, custom[2], file, `buildDirectory '${custom[2]}'`, code, custom.index);
    return { value: 'build', evidence: evidence(file ?? inFolder(folder, 'package.json'), 'react-router build writes build/client and build/server') };
  }
  const nx = /\bnx\s+(run\s+\S+:build|build)\b/.test(buildScript) ? nxBuild(index, folder) : undefined;
  if (nx) return nx.output.startsWith('..') ? { evidence: nx.evidence, outside: nx.output } : { value: nx.output, evidence: nx.evidence };
  return compiledOutput(index, folder, buildScript);
};

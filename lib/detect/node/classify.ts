/**
 * What a Node package is: its framework (read from its own manifest first, then its workspace root's,
 * confirmed by the package's files), and whether it is deployable at all (libraries, config packages,
 * UI kits, e-mail templates, docs sites, tests, CLIs, desktop and mobile apps are not).
 */
import type { Framework } from '../../catalog/service.js';
import type { DetectContext } from '../context.js';
import type { Evidence } from '../types.js';
import { inFolder } from '../workspaces.js';
import { jsonKeyEvidence, type NodePackage } from './manifest.js';
import { codeOf, packagesImportedBy } from './source.js';

export interface FrameworkFound {
  framework: Framework;
  dependency: string;
  evidence: Evidence;
}

/** Server-rendering front ends and back ends, first match wins (NestJS depends on Express, Next on React). */
const serverFrameworks: [string, Framework][] = [
  ['@nestjs/core', 'nestjs'],
  ['next', 'next'],
  ['nuxt', 'nuxt'],
  ['nuxt3', 'nuxt'],
  ['@sveltejs/kit', 'sveltekit'],
  ['hono', 'hono'],
  ['fastify', 'fastify'],
  ['koa', 'koa'],
  ['express', 'express'],
];

const staticFrameworks: [string, Framework][] = [
  ['@angular/core', 'angular'],
  ['svelte', 'svelte'],
  ['vue', 'vue'],
  ['react', 'react'],
  ['preact', 'react'],
  ['solid-js', 'react'],
];

/** Files that show a package really is an app of that framework (a dependency alone may be inherited from the root). */
const configFiles: Partial<Record<Framework, RegExp>> = {
  nestjs: /^nest-cli\.json$/,
  next: /^next\.config\.[cm]?[jt]s$/,
  nuxt: /^nuxt\.config\.[cm]?[jt]s$/,
  sveltekit: /^svelte\.config\.[cm]?js$/,
  angular: /^angular\.json$/,
};

export const queueLibraries = ['bullmq', 'bull', 'bee-queue', 'agenda', 'pg-boss', 'graphile-worker', 'kafkajs', 'amqplib', 'amqp-connection-manager', '@temporalio/worker', 'node-cron', 'cron', '@aws-sdk/client-sqs', 'sqs-consumer', 'inngest', '@trigger.dev/sdk'];

/** Whether the package's own files name a framework (config file, or its scripts calling its CLI). */
const confirmedByFiles = (context: DetectContext, pkg: NodePackage, framework: Framework, dependency: string, sources: readonly string[]): boolean => {
  const names = context.index.filesUnder(pkg.folder).filter((file) => !file.slice(pkg.folder === '.' ? 0 : pkg.folder.length + 1).includes('/')).map((file) => file.slice(file.lastIndexOf('/') + 1));
  const config = configFiles[framework];
  if (config && names.some((name) => config.test(name))) return true;
  const scripts = Object.values(pkg.scripts).join('\n');
  const cli: Partial<Record<Framework, RegExp>> = { nestjs: /\bnest\s+(start|build)\b/, next: /\bnext\s+(start|build|dev)\b/, nuxt: /\bnux[ti]\s+(start|build|dev|generate)\b/, angular: /\bng\s+(build|serve)\b/ };
  if (cli[framework]?.test(scripts)) return true;
  return sources.slice(0, 400).some((file) => packagesImportedBy(context.index, file).includes(dependency));
};

/**
 * The framework of the package: its own dependencies first (server frameworks before static ones), then
 * the workspace root's when the package's files confirm them.
 */
export const frameworkOf = (context: DetectContext, pkg: NodePackage, sources: readonly string[]): FrameworkFound | undefined => {
  const all = [...serverFrameworks, ...staticFrameworks];
  for (const [dependency, framework] of all) {
    if (dependency in pkg.ownDependencies) {
      return { framework, dependency, evidence: jsonKeyEvidence(context.index, pkg.file, dependency, `depends on ${dependency}`) };
    }
  }
  if (!pkg.root) return undefined;
  for (const [dependency, framework] of all) {
    if (dependency in pkg.root.dependencies && confirmedByFiles(context, pkg, framework, dependency, sources)) {
      return {
        framework,
        dependency,
        evidence: jsonKeyEvidence(context.index, pkg.root.file, dependency, `the workspace root declares ${dependency}, which ${pkg.folder} uses`),
      };
    }
  }
  return undefined;
};

const has = (pkg: NodePackage, pattern: RegExp) => Object.keys(pkg.ownDependencies).some((name) => pattern.test(name));

/**
 * Why a package that is no service is not one, judged from its name, folder and manifest before anything
 * is read from its sources; undefined when it may be a service.
 */
export const notServiceByShape = (context: DetectContext, pkg: NodePackage): string | undefined => {
  const folderName = pkg.folder.split('/').pop() ?? '';
  const name = (pkg.name ?? folderName).replace(/^@[^/]+\//, '');
  const files = new Set(context.index.filesUnder(pkg.folder).map((file) => (pkg.folder === '.' ? file : file.slice(pkg.folder.length + 1))));
  // Names alone never overrule a server: an `email` service with Express is a service.
  const server = has(pkg, /^(express|fastify|@nestjs\/core|next|nuxt|hono|koa|@sveltejs\/kit)$/);
  if (/(^|[-_.])(eslint|prettier|stylelint|tsconfig|tailwind|babel|jest|vitest|commitlint|biome)(-?config|-?preset)?s?$|(^|[-_])config(s)?$|^config-/.test(name) || /^(eslint|tsconfig|prettier)/.test(name)) {
    return 'shared configuration package (lint, TypeScript or styling presets)';
  }
  if (!server && (has(pkg, /^(react-email|@react-email\/|mjml|jsx-email|@jsx-email\/|email-templates$)/) || /(^|[-_])(emails?|email-templates|mail(er)?-templates)$/.test(name))) {
    return 'e-mail templates, rendered by the service that sends them';
  }
  if (has(pkg, /^(@playwright\/test|cypress|playwright|@wdio\/cli|detox)$/) && !has(pkg, /^(express|fastify|@nestjs\/core|next|hono|koa|vite|react-scripts|@angular\/core)$/)) {
    return 'end-to-end or integration tests';
  }
  if (!server && (/(^|[-_])(e2e|tests?|integration-tests|app-tests|testing|playwright|cypress)$/.test(name) || /^(e2e|tests?|cypress|playwright)$/.test(folderName))) {
    return 'end-to-end or integration tests';
  }
  if (has(pkg, /^(electron|@tauri-apps\/cli|electron-builder|electron-vite)$/) || files.has('src-tauri/tauri.conf.json') || files.has('src-tauri/Cargo.toml')) {
    return 'desktop application (Electron or Tauri), shipped as an installer, not a container';
  }
  if (has(pkg, /^(react-native|expo|@capacitor\/(core|ios|android)|@ionic\/cli)$/) || files.has('capacitor.config.ts') || files.has('capacitor.config.json')) {
    return 'mobile application, shipped through the app stores, not a container';
  }
  if (has(pkg, /^(wxt|plasmo|webextension-polyfill|@crxjs\/vite-plugin)$/) || (files.has('manifest.json') && /"manifest_version"/.test(context.index.read(inFolder(pkg.folder, 'manifest.json')) ?? ''))) {
    return 'browser extension, shipped through the browser stores';
  }
  if (!server && (/(^|\/)(scripts|tools|tooling)(\/|$)/.test(pkg.folder) || /(^|[-_])(scripts|tools|tooling|codemods?)$/.test(name))) {
    return 'scripts and tools, run by hand or by other packages';
  }
  if (has(pkg, /^(@docusaurus\/core|vitepress|vuepress|@storybook\/|storybook$|typedoc$|@mintlify\/|mintlify$|nextra$|fumadocs-core|@astrojs\/starlight)/) && !has(pkg, /^(next|express|fastify|@nestjs\/core|hono)$/)) {
    return 'documentation site or component catalogue';
  }
  return undefined;
};

/** A library: exports code for other packages, starts nothing of its own. */
export const libraryReason = (pkg: NodePackage, framework: FrameworkFound | undefined): string => {
  const peerOnly = framework && framework.dependency in pkg.peerDependencies && !(framework.dependency in pkg.dependencies) ? ` (${framework.dependency} only as a peer dependency)` : '';
  if (/(^|[-_])(ui|components|design-system|icons|theme)$/.test((pkg.name ?? pkg.folder).replace(/^@[^/]+\//, ''))) return `UI kit: components used by the front ends${peerOnly}`;
  if (peerOnly) return `library: ${framework!.dependency} only as a peer dependency (the app using it provides it)`;
  if (typeof pkg.manifest.bin === 'string' || (pkg.manifest.bin && typeof pkg.manifest.bin === 'object')) return 'command-line tool (package.json bin), run by people, not deployed';
  if (/(^|[-_])cli$/.test((pkg.name ?? '').replace(/^@[^/]+\//, ''))) return 'command-line tool, run by people, not deployed';
  if (pkg.manifest.main || pkg.manifest.exports || pkg.manifest.module || pkg.manifest.types) return 'library: main/exports only, no start script and no server';
  return 'library: no start script, no server and no front-end entry';
};

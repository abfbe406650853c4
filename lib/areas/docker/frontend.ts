/**
 * Static front ends: a JavaScript build (React, Vue, Angular, Svelte with npm, pnpm, Yarn or Bun) or a site
 * as it is, served by nginx-unprivileged with the configuration planned in nginx.ts.
 */
import type { ImageModel, StackModel } from '../../model/index.js';
import { imageRef } from '../../versions/index.js';
import { commonData, inContext, inFolder, ownerOf } from './common.js';
import { nginxFiles, nginxPaths, planNginx } from './nginx.js';
import { buildCommand, planJavaScriptDependencies } from './node.js';

/**
 * Where each framework's production build lands when the project does not say, in the order tried: the first
 * folder holding an index.html wins. Angular 17+ writes dist/<project>/browser; Vite (React, Vue, Svelte)
 * writes dist; Create React App and SvelteKit's static adapter write build.
 */
export const buildOutputCandidates: Record<string, string[]> = {
  react: ['dist', 'build'],
  vue: ['dist'],
  svelte: ['build', 'dist'],
  angular: ['dist/*/browser', 'dist/*', 'dist'],
};

/** How the static front-end frameworks are named in comments. */
export const frameworkLabel: Record<string, string> = { react: 'React', vue: 'Vue', angular: 'Angular', svelte: 'Svelte' };

/** Folders whose files are all content-hashed by the framework's bundler. */
const hashedFolders: Record<string, { folders: string[]; note: string }> = {
  react: { folders: ['assets', 'static'], note: "Vite's assets/, Create React App's static/" },
  vue: { folders: ['assets'], note: "Vite's assets/" },
  svelte: { folders: ['assets', '_app/immutable'], note: "Vite's assets/, SvelteKit's _app/immutable/" },
  // Angular's assets/ holds the project's own files, copied without a hash.
  angular: { folders: [], note: "Angular's name-HASH.js and name.HASH.css" },
  static: { folders: [], note: 'a hex content hash in the file name' },
};

/**
 * A request path served with a year-long immutable cache: one of the hashed folders, or a file name with a
 * hash: `.3f2a1b9c.` (lower-case hex, at least one digit) or Angular's `-2Y4QUXAB.` before js/css.
 */
export const hashedAssetPattern = (framework: string): string => {
  const { folders } = hashedFolders[framework] ?? hashedFolders.static;
  const alternatives = [
    ...(folders.length > 0 ? [`^/(?:${folders.join('|')})/`] : []),
    '[.-](?=[0-9a-f]*[0-9])[0-9a-f]{6,}\\.[a-z0-9]+$',
    '-[0-9A-Z]{8}\\.(?:js|mjs|css)$',
  ];
  return alternatives.join('|');
};

export const planFrontend = (model: StackModel, image: ImageModel) => {
  const service = ownerOf(model, image);
  const nginx = planNginx(model, service);
  const files = nginxFiles(image.source);
  const built = image.source.language === 'node';
  const deps = built ? planJavaScriptDependencies(image) : undefined;
  const outputs = image.buildOutput ? [image.buildOutput] : (buildOutputCandidates[service.framework] ?? ['dist']);
  const summary = built
    ? `${frameworkLabel[service.framework] ?? service.framework} front end, built with ${deps!.label} and served by nginx-unprivileged`
    : 'static site served as it is by nginx-unprivileged';
  const dockerfile = {
    ...commonData(model, image, summary),
    nginxImage: imageRef('nginx-unprivileged'),
    deps,
    build: built ? buildCommand(image, true) : undefined,
    test: image.commands.test,
    outputCandidates: outputs.join(' '),
    /** The repository's container files that the static site's folder holds beside its content. */
    notContent: ['nginx', 'Dockerfile', '.dockerignore'],
    siteFolder: inFolder(image, '.'),
    copies: [
      { from: inContext(image, files.mainConfig), to: nginxPaths.mainConfig, chmod: '' },
      { from: inContext(image, files.serverConfig), to: nginxPaths.serverConfig, chmod: '' },
      { from: inContext(image, files.securityHeaders), to: nginxPaths.securityHeaders, chmod: '' },
      { from: inContext(image, files.entrypointScript), to: nginxPaths.entrypointScript, chmod: '0755' },
    ],
    html: nginxPaths.html,
    env: [`API_URL=${nginx.defaultApiUrl === '' ? '""' : nginx.defaultApiUrl}`, ...(nginx.upstream ? [`${nginx.upstream.variable}=${nginx.upstream.server}`] : [])],
  };
  const nginxData = {
    service: service.name,
    uid: image.user.uid,
    nginx,
    hashedPattern: hashedAssetPattern(service.framework),
    hashedNote: (hashedFolders[service.framework] ?? hashedFolders.static).note,
    runtimeConfig: nginxPaths.runtimeConfig,
    apiUpstreamConfig: nginxPaths.apiUpstreamConfig,
    apiLocationConfig: nginxPaths.apiLocationConfig,
    defaultApiUrl: nginx.defaultApiUrl,
  };
  return {
    dockerfile,
    nginxFiles: [
      { path: files.mainConfig, template: 'nginx/nginx.conf.ejs', data: nginxData },
      { path: files.serverConfig, template: 'nginx/default.conf.ejs', data: nginxData },
      { path: files.securityHeaders, template: 'nginx/security-headers.conf.ejs', data: nginxData },
      { path: files.entrypointScript, template: 'nginx/runtime-config.sh.ejs', data: nginxData },
    ],
  };
};

/**
 * Front ends: a Node build (React, Vue, Angular, Svelte) or a static site, served by nginx-unprivileged
 * with the configuration planned in nginx.ts.
 */
import type { Service } from '../../catalog/service.js';
import type { Config } from '../../plan/types.js';
import { imageRef } from '../../versions/index.js';
import { commonData, healthCheck, healthUrl, inContext, runtimeUsers } from './common.js';
import { nginxFiles, nginxPaths, planNginx } from './nginx.js';
import { managerLabel, nodeBuildCommand, planNodeDependencies } from './node.js';

/**
 * Where each framework's production build lands, in the order tried: the first folder holding an
 * index.html wins. Angular 17+ writes dist/<project>/browser, older Angular dist/<project>; the project
 * name lives in angular.json, which planning does not read, hence the patterns. Vite (React, Vue,
 * Svelte) writes dist, Create React App and SvelteKit's static adapter write build.
 */
export const buildOutputCandidates: Record<string, string[]> = {
  react: ['dist', 'build'],
  vue: ['dist'],
  svelte: ['build', 'dist'],
  angular: ['dist/*/browser', 'dist/*', 'dist'],
};

const frameworkLabel: Record<string, string> = { react: 'React', vue: 'Vue', angular: 'Angular', svelte: 'Svelte' };

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
export const hashedAssetPattern = (service: Service): string => {
  const { folders } = hashedFolders[service.framework] ?? hashedFolders.static;
  const alternatives = [
    ...(folders.length > 0 ? [`^/(?:${folders.join('|')})/`] : []),
    '[.-](?=[0-9a-f]*[0-9])[0-9a-f]{6,}\\.[a-z0-9]+$',
    '-[0-9A-Z]{8}\\.(?:js|mjs|css)$',
  ];
  return alternatives.join('|');
};

export const planFrontend = (config: Config, service: Service) => {
  const nginx = planNginx(config, service);
  const files = nginxFiles(service);
  const built = service.language === 'node';
  const deps = built ? planNodeDependencies(service) : undefined;
  const candidates = buildOutputCandidates[service.framework] ?? ['dist'];
  const summary = built
    ? `${frameworkLabel[service.framework] ?? service.framework} front end, built with ${deps ? managerLabel[deps.manager] : ''} and served by nginx-unprivileged`
    : 'static site served as it is by nginx-unprivileged';
  const dockerfile = {
    ...commonData(config, service, summary),
    nginxImage: imageRef('nginx-unprivileged'),
    deps,
    secrets: deps ? [deps.secret] : [],
    build: built ? nodeBuildCommand(service, true) : undefined,
    test: service.commands.test,
    outputCandidates: candidates.join(' '),
    /** The repository's container files that the static site's folder holds beside its content. */
    notContent: ['nginx', 'Dockerfile', '.dockerignore'],
    copies: [
      { from: inContext(service, files.mainConfig), to: nginxPaths.mainConfig, chmod: '' },
      { from: inContext(service, files.serverConfig), to: nginxPaths.serverConfig, chmod: '' },
      { from: inContext(service, files.securityHeaders), to: nginxPaths.securityHeaders, chmod: '' },
      { from: inContext(service, files.entrypointScript), to: nginxPaths.entrypointScript, chmod: '0755' },
    ],
    html: nginxPaths.html,
    env: [`API_URL=${nginx.defaultApiUrl === '' ? '""' : nginx.defaultApiUrl}`],
    user: runtimeUsers.nginx,
    healthCheck: healthCheck(
      ['wget', '-q', '-O', '/dev/null', healthUrl(service)],
      "BusyBox wget is part of the Alpine-based nginx image; nginx answers the health path itself.",
      '5s',
    ),
    cmd: '["nginx", "-g", "daemon off;"]',
  };
  const nginxData = {
    service: service.name,
    uid: runtimeUsers.nginx.uid,
    nginx,
    hashedPattern: hashedAssetPattern(service),
    hashedNote: (hashedFolders[service.framework] ?? hashedFolders.static).note,
    runtimeConfig: nginxPaths.runtimeConfig,
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

/**
 * The .dockerignore of one service: what never belongs in its build context. Patterns are relative to the
 * build context; a service built from the workspace root gets its own `<Dockerfile>.dockerignore`, which
 * keeps the whole root (its own folder and the workspace packages it needs) and drops every package's
 * heavy folders with `**` patterns.
 */
import type { Service } from '../../catalog/service.js';
import type { ImageModel } from '../../model/index.js';
import { builtFromParent, inContext } from './common.js';
import { joinPath } from '../../repo-paths.js';

interface Section {
  why: string;
  patterns: string[];
}

const dependencyFolders: Record<Service['language'], string[]> = {
  node: ['**/node_modules', '**/.pnpm-store', '.yarn/cache', '.yarn/install-state.gz'],
  python: ['**/.venv', '**/venv', '**/__pycache__', '**/*.py[cod]', '**/*.egg-info', '**/.pytest_cache', '**/.mypy_cache', '**/.ruff_cache'],
  // vendor/ is not excluded: a Go module that vendors builds from it.
  go: [],
  java: ['**/.gradle', '**/target', '**/build', '**/out'],
  static: ['**/node_modules'],
};

/** In a workspace root, other packages may be written in other languages: drop their heavy folders too. */
const workspaceExtras = ['**/.venv', '**/__pycache__', '**/.pytest_cache', '**/.gradle'];

/** Framework caches and outputs that the build inside the image recreates. */
const frameworkOutputs: Partial<Record<Service['framework'], string[]>> = {
  next: ['.next'],
  nuxt: ['.nuxt', '.output'],
  sveltekit: ['.svelte-kit', 'build'],
  angular: ['.angular'],
  svelte: ['.svelte-kit'],
};

const buildOutputs = (service: Service): string[] => {
  const own = [...(service.buildOutput && !service.buildOutput.startsWith('..') ? [service.buildOutput.split('/')[0]] : []), ...(frameworkOutputs[service.framework] ?? [])];
  switch (service.language) {
    case 'node':
      return [...own, ...(service.kind === 'frontend' ? ['dist', 'build'] : ['dist'])];
    case 'python':
      return ['dist', 'build'];
    case 'go':
      return ['bin'];
    default:
      return [];
  }
};

const reports: Record<Service['language'], string[]> = {
  node: ['**/coverage', '**/.nyc_output', '**/test-results', '**/playwright-report', '**/npm-debug.log*', '**/yarn-error.log'],
  python: ['**/.coverage', '**/.coverage.*', '**/htmlcov', '**/coverage.xml', '**/junit*.xml'],
  go: ['**/coverage.out', '**/*.test'],
  java: [],
  static: [],
};

export const planIgnore = (image: ImageModel) => {
  const service = image.source;
  const own = image.folderInContext;
  const inOwn = (pattern: string) => (own === '.' ? pattern : `${own}/${pattern}`);
  const fromParent = builtFromParent(image);
  const sections: Section[] = [
    {
      why: 'Version control and editor files',
      patterns: ['.git', '**/.DS_Store', '**/.idea', '**/.vscode'],
    },
    {
      why: 'Local secrets and environment files (secrets reach builds only through --secret)',
      // secrets/ at the repository root holds the local development secrets (scripts/dev-secrets.sh).
      patterns: ['**/.env', '**/.env.*', '!**/.env.example', '**/*.pem', '**/*.key', ...(image.context === '.' ? ['secrets'] : [])],
    },
    {
      why: 'The container files themselves: a change to them alone does not invalidate the source layers',
      patterns: [inContext(image, image.dockerfile), inContext(image, image.dockerignore)],
    },
    {
      why: 'Dependencies, installed inside the image from the lockfile',
      patterns: [...dependencyFolders[service.language], ...(fromParent ? workspaceExtras : [])],
    },
    { why: 'Build output, rebuilt inside the image', patterns: [...new Set(buildOutputs(service))].map(inOwn) },
    { why: 'Test reports and coverage', patterns: reports[service.language] },
    ...image.frontEnds.map((frontEnd) => ({
      why: `${frontEnd.name}, built inside the image: its dependencies and any local build are recreated there`,
      patterns: [
        ...dependencyFolders.node,
        ...buildOutputs(frontEnd.build.source).map((output) => inContext(image, joinPath(frontEnd.build.source.path, output))),
        frontEnd.builtInto,
      ],
    })),
  ];
  const seen = new Set<string>();
  return {
    sections: sections
      .map((section) => ({ ...section, patterns: section.patterns.filter((pattern) => !seen.has(pattern) && seen.add(pattern)) }))
      .filter((section) => section.patterns.length > 0),
  };
};

/**
 * Python images: runtime dependencies in a virtual environment, installed from the project's lockfile with
 * its own tool (uv, also for uv workspaces; Poetry, PDM and Pipenv through their hash-pinned exports; pip
 * from requirement files), the tests in a `test` stage, and a slim runtime that starts the server directly.
 */
import path from 'node:path';
import type { ImageModel, StackModel } from '../../model/index.js';
import { wrap } from '../../render/text.js';
import { toolVersion } from '../../versions/index.js';
import { builtFromParent, cacheMount, commonData, envPairs, ownerOf, secretMount, trackImage } from './common.js';
import { optional } from './node.js';
import { joinPath } from '../../repo-paths.js';

const pipCache = cacheMount('/root/.cache/pip');

/** The requirement files named by the install command (`pip install -r requirements.txt -r requirements-dev.txt`). */
export const requirementFiles = (install: string | undefined): string[] =>
  [...(install ?? '').matchAll(/(?:^|\s)(?:-r|--requirement)[=\s]+(\S+)/g)].map((match) => match[1]);

/** Files installed at run time: the requirement files that are not for development, tests or linting. */
const runtimeRequirements = (files: string[]): string[] => {
  const runtime = files.filter((file) => !/(dev|test|lint|ci)[^/]*$/i.test(file));
  return runtime.length > 0 ? runtime : files.slice(0, 1);
};

/** The package manager's pip requirement from the model (`uv==0.13.8`, or the project's `uv>=0.5,<0.6`), quoted. */
const pipRequirement = (tool: string, spec: string | undefined): string => `'${spec ?? `${tool}==${toolVersion(tool)}`}'`;

const exportFlows = {
  poetry: {
    label: 'Poetry',
    files: ['pyproject.toml', 'poetry.lock'],
    tools: (spec?: string) => `${pipRequirement('poetry', spec)} 'poetry-plugin-export==${toolVersion('poetry-plugin-export')}'`,
    export: 'poetry export --only main --format requirements.txt --output requirements.lock',
    testEnv: ['POETRY_VIRTUALENVS_IN_PROJECT=true'],
    testCache: '/root/.cache/pypoetry',
    testInstall: 'poetry install --no-root --no-interaction',
  },
  pdm: {
    label: 'PDM',
    files: ['pyproject.toml', 'pdm.lock'],
    tools: (spec?: string) => pipRequirement('pdm', spec),
    export: 'pdm export --prod --output requirements.lock',
    testEnv: ['PDM_CHECK_UPDATE=false'],
    testCache: '/root/.cache/pdm',
    testInstall: 'pdm sync --dev --no-self',
  },
  pipenv: {
    label: 'Pipenv',
    files: ['Pipfile', 'Pipfile.lock'],
    tools: (spec?: string) => pipRequirement('pipenv', spec),
    export: 'pipenv requirements --hash > requirements.lock',
    testEnv: ['PIPENV_VENV_IN_PROJECT=1'],
    testCache: '/root/.cache/pipenv',
    testInstall: 'pipenv sync --dev',
  },
};

type Flow =
  | { kind: 'uv'; tool: string; workspace: boolean; packageFlag: string; manifestSelection: string; ownCopies: string }
  | { kind: 'export'; label: string; copies: string; tools: string; export: string; testEnv: string[]; testCache: string; testInstall: string }
  | { kind: 'requirements'; copies: { source: string; target: string }[]; runtime: string; testInstall: string }
  | { kind: 'pyproject'; testInstall: string };

const flowOf = (image: ImageModel): Flow => {
  const manager = image.packageManager.name;
  const install = image.commands.install;
  if (manager === 'uv') {
    return {
      kind: 'uv',
      tool: pipRequirement('uv', image.packageManager.spec),
      workspace: builtFromParent(image),
      packageFlag: image.workspacePackage ? ` --package ${image.workspacePackage}` : '',
      manifestSelection: '\\( -name pyproject.toml -o -name uv.lock -o -name uv.toml -o -name .python-version \\)',
      ownCopies: ['pyproject.toml', image.packageManager.lockfile ?? 'uv.lock', optional('uv.toml')].join(' '),
    };
  }
  if (manager === 'poetry' || manager === 'pdm' || manager === 'pipenv') {
    const flow = exportFlows[manager];
    const lockfile = image.packageManager.lockfile ?? flow.files[1];
    return { kind: 'export', ...flow, copies: [flow.files[0], lockfile].join(' '), tools: flow.tools(image.packageManager.spec) };
  }
  // Requirement files are named relative to the service folder; the image installs them from the build context.
  const inContext = (file: string) => path.posix.normalize(path.posix.join(image.folderInContext, file));
  const files = requirementFiles(install).map(inContext);
  if (files.length > 0 || install === undefined) {
    const all = files.length > 0 ? files : [inContext('requirements.txt')];
    // The folder a file belongs to: its own, or the one above a requirements/ folder (requirements/base.txt).
    const folderOf = (file: string) => {
      const folder = path.posix.dirname(file);
      return path.posix.basename(folder) === 'requirements' ? path.posix.dirname(folder) : folder;
    };
    const folders = [...new Set(all.map(folderOf))];
    return {
      kind: 'requirements',
      // Each file's folder: its requirements*.txt and requirements/ (copied where they exist), which `-r` lines
      // may include, and the file itself when its name is another.
      copies: [
        ...folders.flatMap((folder) => [
          { source: joinPath(folder, 'requirements*.txt'), target: `./${joinPath(folder, '')}` },
          { source: joinPath(folder, 'requirement[s]'), target: `./${joinPath(folder, 'requirements/')}` },
        ]),
        ...all
          .filter((file) => !/(^|\/)requirements[^/]*\.txt$/.test(file) && !/(^|\/)requirements\//.test(file))
          .map((file) => ({ source: file, target: `./${joinPath(path.posix.dirname(file), '')}` })),
      ],
      runtime: runtimeRequirements(all).map((file) => `-r ${file}`).join(' '),
      testInstall: `pip install ${all.map((file) => `-r ${file}`).join(' ')}`,
    };
  }
  return { kind: 'pyproject', testInstall: install };
};

/** Servers that must be installed for the image to start: checked while building, not at the first start. */
const serverPrograms = new Set(['uvicorn', 'gunicorn', 'hypercorn', 'daphne', 'granian', 'celery', 'fastapi', 'rq', 'dramatiq', 'arq', 'flask']);

export const planPythonService = (model: StackModel, image: ImageModel) => {
  const owner = ownerOf(model, image);
  const flow = flowOf(image);
  const program = image.services
    .map((name) => model.services.find((service) => service.name === name)!.start[0])
    .filter((argv0) => serverPrograms.has(argv0));
  const what = owner.kind === 'worker' ? 'worker' : `${owner.framework} back end`;
  const where = builtFromParent(image) ? `uv workspace member ${image.source.path}, built from ${image.context === '.' ? 'the repository root' : image.context}` : image.packageManager.name;
  return {
    ...commonData(model, image, `Python ${what} (${where})`),
    image: trackImage(image.runtime!.track),
    flow,
    pipMounts: [pipCache, ...image.buildSecrets.map(secretMount)],
    uvMounts: [cacheMount('/root/.cache/uv'), ...image.buildSecrets.map(secretMount)],
    testCommand: image.commands.test,
    installsProject: image.installsProject,
    serverPrograms: [...new Set(program)],
    env: envPairs([
      { name: 'VIRTUAL_ENV', value: '/opt/venv' },
      { name: 'PATH', value: '/opt/venv/bin:$PATH' },
      ...owner.environment,
    ]),
    /** Where the runtime's sources come from: the whole context, or only the member's folder of a workspace. */
    sources: builtFromParent(image) ? { from: `${image.folderInContext}/`, to: `./${image.folderInContext}/` } : { from: '.', to: '.' },
    signalNote: wrap(
      owner.start[0] === 'sh'
        ? 'A shell runs the start command (it uses shell syntax): make it `exec` the server so SIGTERM reaches it.'
        : 'The server is PID 1 and receives SIGTERM itself: Gunicorn, Uvicorn and Celery finish the work in flight, then exit.',
    ),
  };
};

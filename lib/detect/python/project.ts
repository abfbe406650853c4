/**
 * A Python project's manifests: which package manager it uses (and the version it pins), its dependencies
 * with the line that declares each, the Python version it declares, its lockfile and its workspace.
 */
import type { packageManagersByLanguage } from '../../catalog/service.js';
import { evidence, type Found, found } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { readToml } from '../toml.js';
import type { Evidence } from '../types.js';
import { folderOf, inFolder, workspaceOf, type Workspace } from '../workspaces.js';

export type PackageManager = (typeof packageManagersByLanguage)['python'][number];

export interface Dependency {
  /** Normalised (PEP 503): lowercase, runs of `-_.` as `-`. */
  name: string;
  extras: string[];
  /** Declared only for development or tests (dev groups, dev-packages, requirements-dev.txt). */
  dev: boolean;
  evidence: Evidence;
}

export interface PythonProject {
  /** The folder holding the manifest. */
  folder: string;
  pyprojectFile?: string;
  pyproject?: Record<string, any>;
  name?: string;
  packageManager: PackageManager;
  packageManagerEvidence?: Evidence;
  packageManagerVersion?: Found<string>;
  dependencies: Dependency[];
  lockfile?: Found<string>;
  workspace?: Workspace;
  /** The requirements files pip installs from (production first), repository-relative. */
  requirements: { production?: string; dev?: string };
}

export const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

const requirementName = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[([^\]]*)\])?/;

/** A PEP 508 requirement string (`fastapi[standard]>=0.115`) as a name and extras. */
const parseRequirement = (text: string): { name: string; extras: string[] } | undefined => {
  const match = text.match(requirementName);
  if (!match) return undefined;
  return { name: normalise(match[1]), extras: (match[3] ?? '').split(',').map((extra) => extra.trim()).filter(Boolean) };
};

const lineOf = (text: string, needle: string | RegExp, from = 0): number | undefined => {
  const offset = typeof needle === 'string' ? text.indexOf(needle, from) : text.slice(from).search(needle) + from;
  if (offset < from || offset === -1 + from) return undefined;
  return text.slice(0, offset).split('\n').length;
};

const devGroup = /^(dev|devel|develop|development|test|tests|testing|lint|linting|typing|docs|doc)$/i;

/** Dependencies of a pyproject.toml: PEP 621, dependency groups, Poetry, PDM and uv dev groups. */
const pyprojectDependencies = (file: string, text: string, toml: Record<string, any>): Dependency[] => {
  const found: Dependency[] = [];
  const add = (requirement: string, dev: boolean) => {
    const parsed = parseRequirement(requirement);
    if (!parsed || parsed.name === 'python') return;
    const escaped = requirement.trim().split(/[\s<>=!~;[]/)[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const line = lineOf(text, new RegExp(`["']${escaped}|^\\s*${escaped}\\s*=`, 'mi'));
    found.push({ ...parsed, dev, evidence: { file, ...(line ? { line } : {}), note: `dependency ${requirement.trim()}` } });
  };
  const list = (value: unknown, dev: boolean) => {
    if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') add(item, dev);
  };
  const table = (value: unknown, dev: boolean) => {
    if (!value || typeof value !== 'object') return;
    for (const [name, spec] of Object.entries(value as Record<string, unknown>)) {
      const extras = spec && typeof spec === 'object' && Array.isArray((spec as any).extras) ? `[${(spec as any).extras.join(',')}]` : '';
      add(`${name}${extras}`, dev);
    }
  };
  list(toml.project?.dependencies, false);
  for (const [group, items] of Object.entries(toml.project?.['optional-dependencies'] ?? {})) list(items, devGroup.test(group));
  // Dependency groups (PEP 735) are never installed with the package itself.
  for (const items of Object.values(toml['dependency-groups'] ?? {})) list(items, true);
  const poetry = toml.tool?.poetry;
  table(poetry?.dependencies, false);
  table(poetry?.['dev-dependencies'], true);
  for (const [group, spec] of Object.entries(poetry?.group ?? {})) table((spec as any)?.dependencies, devGroup.test(group) || group !== 'main');
  for (const items of Object.values(toml.tool?.pdm?.['dev-dependencies'] ?? {})) list(items, true);
  list(toml.tool?.uv?.['dev-dependencies'], true);
  return found;
};

/** Requirements files, following `-r other.txt` includes (constraints files are not dependencies). */
const requirementsDependencies = (index: RepoIndex, file: string, dev: boolean, seen = new Set<string>()): Dependency[] => {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = index.read(file);
  if (text === undefined) return [];
  const found: Dependency[] = [];
  text.split('\n').forEach((raw, lineIndex) => {
    const line = raw.replace(/\s#.*$/, '').trim();
    const include = line.match(/^(?:-r|--requirement)[\s=]+(\S+)/);
    if (include) {
      found.push(...requirementsDependencies(index, inFolder(folderOf(file), include[1]), dev, seen));
      return;
    }
    if (line === '' || line.startsWith('-') || line.startsWith('#')) return;
    const egg = line.match(/#egg=([A-Za-z0-9._-]+)/);
    const parsed = egg ? { name: normalise(egg[1]), extras: [] } : /^[a-z+]+:\/\//i.test(line) ? undefined : parseRequirement(line);
    if (parsed) found.push({ ...parsed, dev, evidence: { file, line: lineIndex + 1, note: `requirement ${line}` } });
  });
  return found;
};

/** Whether every requirement (through includes) is pinned with `==` or a hash: then the file is a lock. */
const isPinned = (index: RepoIndex, file: string, seen = new Set<string>()): boolean => {
  if (seen.has(file)) return true;
  seen.add(file);
  const text = index.read(file);
  if (text === undefined) return false;
  let requirements = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s#.*$/, '').trim();
    const include = line.match(/^(?:-r|--requirement)[\s=]+(\S+)/);
    if (include) {
      if (!isPinned(index, inFolder(folderOf(file), include[1]), seen)) return false;
      requirements += 1;
      continue;
    }
    if (line === '' || line.startsWith('-') || line.startsWith('#') || line.startsWith('--hash')) continue;
    requirements += 1;
    if (!/===?\s*[\w.*+!-]+/.test(line) && !/@\s*\S+/.test(line)) return false;
  }
  return requirements > 0;
};

const pipfileDependencies = (file: string, text: string, toml: Record<string, any>): Dependency[] => {
  const found: Dependency[] = [];
  for (const [section, dev] of [
    ['packages', false],
    ['dev-packages', true],
  ] as const) {
    for (const [name, spec] of Object.entries(toml[section] ?? {})) {
      const extras = spec && typeof spec === 'object' && Array.isArray((spec as any).extras) ? (spec as any).extras.map(String) : [];
      const line = lineOf(text, new RegExp(`^\\s*"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*=`, 'mi'));
      found.push({ name: normalise(name), extras, dev, evidence: { file, ...(line ? { line } : {}), note: `[${section}] ${name}` } });
    }
  }
  return found;
};

/** setup.py `install_requires=[...]` strings. */
const setupPyDependencies = (file: string, text: string): Dependency[] => {
  const block = text.match(/install_requires\s*=\s*\[([\s\S]*?)\]/);
  if (!block) return [];
  const offset = block.index! + block[0].indexOf('[');
  return [...block[1].matchAll(/["']([^"']+)["']/g)].flatMap((match) => {
    const parsed = parseRequirement(match[1]);
    if (!parsed) return [];
    return [{ ...parsed, dev: false, evidence: evidence(file, `install_requires ${match[1]}`, text, offset + 1 + match.index!) }];
  });
};

const productionRequirementNames = ['requirements.txt', 'requirements/production.txt', 'requirements/prod.txt', 'requirements/base.txt', 'requirements/common.txt'];
const devRequirementNames = [
  'requirements-dev.txt',
  'requirements_dev.txt',
  'dev-requirements.txt',
  'requirements-test.txt',
  'test-requirements.txt',
  'requirements/local.txt',
  'requirements/dev.txt',
  'requirements/development.txt',
  'requirements/test.txt',
  'requirements/tests.txt',
];

export const readProject = (index: RepoIndex, folder: string, workspaces: readonly Workspace[]): PythonProject | undefined => {
  const at = (name: string) => inFolder(folder, name);
  const pyprojectFile = index.has(at('pyproject.toml')) ? at('pyproject.toml') : undefined;
  const pyprojectText = pyprojectFile ? (index.read(pyprojectFile) ?? '') : '';
  const pyproject = pyprojectFile ? readToml(index, pyprojectFile) : undefined;
  const pipfile = index.has(at('Pipfile')) ? at('Pipfile') : undefined;
  const production = productionRequirementNames.map(at).find((file) => index.has(file));
  const dev = devRequirementNames.map(at).find((file) => index.has(file));
  const setupPy = index.has(at('setup.py')) ? at('setup.py') : undefined;
  if (!pyprojectFile && !pipfile && !production && !dev && !setupPy) return undefined;

  const dependencies: Dependency[] = [];
  if (pyproject && pyprojectFile) dependencies.push(...pyprojectDependencies(pyprojectFile, pyprojectText, pyproject));
  if (pipfile) {
    const text = index.read(pipfile) ?? '';
    dependencies.push(...pipfileDependencies(pipfile, text, readToml(index, pipfile) ?? {}));
  }
  if (production) dependencies.push(...requirementsDependencies(index, production, false));
  if (dev) dependencies.push(...requirementsDependencies(index, dev, true));
  if (setupPy) dependencies.push(...setupPyDependencies(setupPy, index.read(setupPy) ?? ''));

  const workspace = workspaceOf(workspaces, folder, ['uv']);
  const workspaceRoot = workspace ? readToml(index, inFolder(workspace.root, 'pyproject.toml')) : undefined;
  if (workspace && workspaceRoot) {
    // Frameworks and drivers may sit at the workspace root.
    const rootFile = inFolder(workspace.root, 'pyproject.toml');
    dependencies.push(...pyprojectDependencies(rootFile, index.read(rootFile) ?? '', workspaceRoot));
  }

  const has = (name: string) => index.has(at(name));
  const tool = pyproject?.tool ?? {};
  const manager = ((): { manager: PackageManager; why: Evidence } => {
    if (workspace?.tool === 'uv') return { manager: 'uv', why: workspace.evidence };
    if (has('uv.lock')) return { manager: 'uv', why: evidence(at('uv.lock'), 'uv.lock') };
    if (has('poetry.lock')) return { manager: 'poetry', why: evidence(at('poetry.lock'), 'poetry.lock') };
    if (has('pdm.lock')) return { manager: 'pdm', why: evidence(at('pdm.lock'), 'pdm.lock') };
    if (has('Pipfile.lock')) return { manager: 'pipenv', why: evidence(at('Pipfile.lock'), 'Pipfile.lock') };
    if (tool.poetry?.dependencies || (tool.poetry && pyproject?.['build-system']?.['build-backend']?.startsWith('poetry')))
      return { manager: 'poetry', why: evidence(pyprojectFile!, '[tool.poetry]', pyprojectText, pyprojectText.indexOf('[tool.poetry')) };
    if (tool.pdm) return { manager: 'pdm', why: evidence(pyprojectFile!, '[tool.pdm]', pyprojectText, pyprojectText.indexOf('[tool.pdm')) };
    if (pipfile) return { manager: 'pipenv', why: evidence(pipfile, 'Pipfile') };
    if (tool.uv || has('uv.toml')) return { manager: 'uv', why: evidence(pyprojectFile ?? at('uv.toml'), '[tool.uv]', pyprojectText, pyprojectText.indexOf('[tool.uv')) };
    return { manager: 'pip', why: evidence(production ?? dev ?? pyprojectFile ?? setupPy!, 'pip') };
  })();

  const lockfile = ((): Found<string> | undefined => {
    switch (manager.manager) {
      case 'uv': {
        const file = workspace?.lockfile ?? (has('uv.lock') ? at('uv.lock') : undefined);
        return file ? found(file, evidence(file, workspace ? 'uv.lock at the workspace root' : 'uv.lock')) : undefined;
      }
      case 'poetry':
        return has('poetry.lock') ? found(at('poetry.lock'), evidence(at('poetry.lock'), 'poetry.lock')) : undefined;
      case 'pdm':
        return has('pdm.lock') ? found(at('pdm.lock'), evidence(at('pdm.lock'), 'pdm.lock')) : undefined;
      case 'pipenv':
        return has('Pipfile.lock') ? found(at('Pipfile.lock'), evidence(at('Pipfile.lock'), 'Pipfile.lock')) : undefined;
      default:
        return production && isPinned(index, production) ? found(production, evidence(production, 'every requirement pinned with ==')) : undefined;
    }
  })();

  return {
    folder,
    ...(pyprojectFile ? { pyprojectFile, pyproject } : {}),
    name: pyproject?.project?.name ?? tool.poetry?.name ?? setupName(index, folder),
    packageManager: manager.manager,
    packageManagerEvidence: manager.why,
    packageManagerVersion: managerVersion(index, folder, manager.manager, workspace),
    dependencies,
    ...(lockfile ? { lockfile } : {}),
    ...(workspace ? { workspace } : {}),
    requirements: { ...(production ? { production } : {}), ...(dev ? { dev } : {}) },
  };
};

/** The distribution name in setup.py (`name="httpbin"`) or setup.cfg ([metadata] name). */
const setupName = (index: RepoIndex, folder: string): string | undefined =>
  index.read(inFolder(folder, 'setup.py'))?.match(/\bsetup\s*\([\s\S]*?\bname\s*=\s*["']([\w.-]+)["']/)?.[1] ??
  index.read(inFolder(folder, 'setup.cfg'))?.match(/^\[metadata\][^[]*?^name\s*=\s*([\w.-]+)/m)?.[1];

/** `.tool-versions` (asdf) or `mise.toml` entry for a tool. */
const toolVersion = (index: RepoIndex, folder: string, tool: string): Found<string> | undefined => {
  const versions = inFolder(folder, '.tool-versions');
  const text = index.read(versions);
  const line = text?.match(new RegExp(`^${tool}\\s+(\\S+)`, 'm'));
  if (text && line) return found(line[1], evidence(versions, `${tool} ${line[1]}`, text, line.index));
  for (const name of ['mise.toml', '.mise.toml']) {
    const file = inFolder(folder, name);
    const value = readToml(index, file)?.tools?.[tool];
    if (typeof value === 'string' || typeof value === 'number') {
      const mise = index.read(file) ?? '';
      return found(String(value), evidence(file, `[tools] ${tool} = ${value}`, mise, mise.search(new RegExp(`^${tool}\\s*=`, 'm'))));
    }
  }
  return undefined;
};

/** uv `required-version`, Poetry `requires-poetry`, or the tool's entry in .tool-versions / mise.toml. */
const managerVersion = (index: RepoIndex, folder: string, manager: PackageManager, workspace?: Workspace): Found<string> | undefined => {
  const folders = [...new Set([folder, ...(workspace ? [workspace.root] : []), '.'])];
  for (const candidate of folders) {
    const pyprojectFile = inFolder(candidate, 'pyproject.toml');
    const text = index.read(pyprojectFile) ?? '';
    const toml = readToml(index, pyprojectFile);
    if (manager === 'uv') {
      const uvToml = inFolder(candidate, 'uv.toml');
      const fromUvToml = readToml(index, uvToml)?.['required-version'];
      if (typeof fromUvToml === 'string') {
        const uvText = index.read(uvToml) ?? '';
        return found(fromUvToml, evidence(uvToml, `required-version = ${fromUvToml}`, uvText, uvText.indexOf('required-version')));
      }
      const required = toml?.tool?.uv?.['required-version'];
      if (typeof required === 'string') return found(required, evidence(pyprojectFile, `[tool.uv] required-version = ${required}`, text, text.indexOf('required-version')));
    }
    if (manager === 'poetry') {
      const required = toml?.tool?.poetry?.['requires-poetry'];
      if (typeof required === 'string') return found(required, evidence(pyprojectFile, `requires-poetry = ${required}`, text, text.indexOf('requires-poetry')));
    }
    const fromTools = manager === 'pip' ? undefined : toolVersion(index, candidate, manager);
    if (fromTools) return fromTools;
  }
  return undefined;
};

/**
 * The Python version the project declares, as it declares it: requires-python, Poetry's python dependency,
 * Pipfile's python_version, .python-version, runtime.txt, .tool-versions; the service folder first, then the
 * manifest folder, the workspace root and the repository root.
 */
export const runtimeVersion = (index: RepoIndex, folders: readonly string[]): Found<string> | undefined => {
  // In each folder, a pin (.python-version, runtime.txt, Pipfile, .tool-versions) names the Python the team
  // runs, so it comes before a compatibility range (requires-python, Poetry's python dependency).
  for (const folder of [...new Set([...folders, '.'])]) {
    const pinned = inFolder(folder, '.python-version');
    const pinnedText = index.read(pinned)?.split('\n').map((line) => line.trim()).find((line) => line && !line.startsWith('#'));
    if (pinnedText) return found(pinnedText, evidence(pinned, `.python-version ${pinnedText}`, pinnedText, 0));
    const runtime = inFolder(folder, 'runtime.txt');
    const runtimeText = index.read(runtime)?.trim();
    if (runtimeText && /^python-/.test(runtimeText)) {
      const version = runtimeText.replace(/^python-/, '');
      return found(version, evidence(runtime, `runtime.txt ${runtimeText}`, runtimeText, 0));
    }
    const pipfile = inFolder(folder, 'Pipfile');
    const pipRequires = readToml(index, pipfile)?.requires;
    const pipVersion = pipRequires?.python_full_version ?? pipRequires?.python_version;
    if (typeof pipVersion === 'string') {
      const pipText = index.read(pipfile) ?? '';
      return found(pipVersion, evidence(pipfile, `[requires] python_version = "${pipVersion}"`, pipText, pipText.search(/python_(full_)?version/)));
    }
    const tools = toolVersion(index, folder, 'python');
    if (tools) return tools;
    const pyprojectFile = inFolder(folder, 'pyproject.toml');
    const toml = readToml(index, pyprojectFile);
    const text = index.read(pyprojectFile) ?? '';
    const requires = toml?.project?.['requires-python'];
    if (typeof requires === 'string') return found(requires, evidence(pyprojectFile, `requires-python = "${requires}"`, text, text.indexOf('requires-python')));
    const poetryPython = toml?.tool?.poetry?.dependencies?.python;
    if (typeof poetryPython === 'string') {
      return found(poetryPython, evidence(pyprojectFile, `[tool.poetry.dependencies] python = "${poetryPython}"`, text, text.search(/^\s*python\s*=/m)));
    }
  }
  return undefined;
};

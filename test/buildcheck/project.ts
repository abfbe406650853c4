/**
 * What the project itself declares about runtimes and tools, read from the service folder (the
 * Dockerfile's) and every folder above it up to the repository root (the workspace root among them):
 * package.json engines/packageManager/volta, .nvmrc, .node-version, .tool-versions, mise.toml,
 * pyproject.toml, .python-version, runtime.txt, uv.toml, poetry.lock, go.mod, pom.xml, build.gradle(.kts).
 * Independent of phase4's own detection.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseToml, type TomlTable, tomlGet, type TomlValue } from './toml.js';

/** A declared constraint: its text in the checker's terms and where it was read. */
export interface Declared {
  spec: string;
  source: string;
}

export interface Project {
  /** semver ranges. */
  node: Declared[];
  bun: Declared[];
  /** PEP 440 specifiers. */
  python: Declared[];
  /** go.mod `go` (spec: the version) and `toolchain` lines. */
  go: (Declared & { line: 'go' | 'toolchain' })[];
  /** Java feature releases: `atLeast` for compile targets, exact for a Gradle toolchain. */
  java: (Declared & { release: number; exact: boolean })[];
  /** Package-manager declarations: semver ranges (npm tools) or PEP 440 specifiers (uv, poetry). */
  tools: (Declared & { tool: string; kind: 'semver' | 'pep440' })[];
  /** package.json "packageManager", nearest first. */
  packageManager?: Declared & { tool: string; version: string };
  /** Console scripts pyproject.toml declares. */
  scripts: Set<string>;
}

const read = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

const json = (file: string): Record<string, unknown> | undefined => {
  const text = read(file);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

const ltsNames: Record<string, string> = { argon: '4', boron: '6', carbon: '8', dubnium: '10', erbium: '12', fermium: '14', gallium: '16', hydrogen: '18', iron: '20', jod: '22', krypton: '24' };

/**
 * A version file's Node version as a semver range; undefined for lts/*, latest, system and the like. An exact
 * version pins its release line at that patch or later (`20.11.0` -> `^20.11.0`): the newest patch of the
 * same line is what a careful engineer deploys, for its security fixes.
 */
const nodeVersion = (text: string): string | undefined => {
  const value = text.trim().replace(/^(node|nodejs)[@-]?/i, '').replace(/^v/, '');
  const lts = value.match(/^lts\/(\w+)$/i);
  if (lts) return ltsNames[lts[1].toLowerCase()];
  if (/^\d+\.\d+\.\d+$/.test(value)) return `^${value}`;
  return /^\d+(\.\d+)?$/.test(value) ? value : undefined;
};

/**
 * A pinned Python version (.python-version, runtime.txt, .tool-versions) as a PEP 440 specifier: its release
 * line, at the pinned patch or later (`3.11.9` -> `~=3.11.9`), as for Node above.
 */
const pythonPin = (text: string): string | undefined => {
  const match = text.trim().match(/^(?:cpython-|python-?)?(\d+\.\d+(?:\.\d+)?)$/);
  if (!match) return undefined;
  return match[1].split('.').length === 3 ? `~=${match[1]}` : `==${match[1]}.*`;
};

/** Poetry's version syntax (^, ~, *, ||, bare versions) as a PEP 440 specifier. */
export const poetryToPep440 = (constraint: string): string =>
  constraint
    .split('||')
    .map((part) =>
      part.split(',').map((piece) => {
        const item = piece.trim();
        const caret = item.match(/^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/);
        if (caret) {
          const [, major, minor, patch] = caret;
          let upper = `0.0.${Number(patch) + 1}`;
          if (Number(major) > 0 || minor === undefined) upper = `${Number(major) + 1}.0`;
          else if (Number(minor) > 0 || patch === undefined) upper = `0.${Number(minor) + 1}`;
          return `>=${major}.${minor ?? 0}.${patch ?? 0},<${upper}`;
        }
        const tilde = item.match(/^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$/);
        if (tilde) {
          const [major, minor, patch] = tilde.slice(1);
          return minor === undefined ? `>=${major},<${Number(major) + 1}` : `>=${major}.${minor}${patch ? `.${patch}` : ''},<${major}.${Number(minor) + 1}`;
        }
        if (item === '*' || item === '') return '';
        if (/^\d/.test(item)) return `==${item}`;
        return item.replace(/^=(?!=)/, '==');
      }).filter(Boolean).join(','),
    )
    .filter(Boolean)
    .join(' || ');

const text = (value: TomlValue | undefined): string | undefined => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'object' && value !== null) return text((value as TomlTable).version);
  return undefined;
};

/** Folders from the service folder up to the repository root, nearest first (repo-relative). */
export const foldersUp = (dockerfile: string): string[] => {
  const out: string[] = [];
  for (let folder = path.posix.dirname(dockerfile); ; folder = path.posix.dirname(folder)) {
    out.push(folder);
    if (folder === '.' || folder === '/') return out;
  }
};

export const readProject = (repo: string, dockerfile: string, context: string): Project => {
  const project: Project = { node: [], bun: [], python: [], go: [], java: [], tools: [], scripts: new Set() };
  const folders = [...new Set([...foldersUp(dockerfile), context])];
  for (const folder of folders) {
    const at = (file: string) => path.join(repo, folder, file);
    const where = (file: string) => path.posix.join(folder, file);
    readNode(project, at, where);
    readPython(project, at, where);
    readToolVersions(project, read(at('.tool-versions')), where('.tool-versions'));
    const mise = read(at('mise.toml')) ?? read(at('.mise.toml'));
    if (mise) {
      const tools = parseToml(mise).tools;
      const node = typeof tools === 'object' ? text((tools as TomlTable).node) : undefined;
      const python = typeof tools === 'object' ? text((tools as TomlTable).python) : undefined;
      const range = node && nodeVersion(node);
      if (range) project.node.push({ spec: range, source: `${where('mise.toml')} [tools] node = "${node}"` });
      const pin = python && pythonPin(python);
      if (pin) project.python.push({ spec: pin, source: `${where('mise.toml')} [tools] python = "${python}"` });
    }
  }
  const nearest = (file: string) => folders.map((folder) => ({ folder, text: read(path.join(repo, folder, file)) })).find((found) => found.text !== undefined);
  const goMod = nearest('go.mod');
  if (goMod?.text) readGoMod(project, goMod.text, path.posix.join(goMod.folder, 'go.mod'));
  readJava(project, repo, folders);
  return project;
};

const readNode = (project: Project, at: (file: string) => string, where: (file: string) => string) => {
  const manifest = json(at('package.json'));
  if (manifest) {
    const engines = (manifest.engines ?? {}) as Record<string, string>;
    if (typeof engines.node === 'string') project.node.push({ spec: engines.node, source: `${where('package.json')} engines.node "${engines.node}"` });
    if (typeof engines.bun === 'string') project.bun.push({ spec: engines.bun, source: `${where('package.json')} engines.bun "${engines.bun}"` });
    for (const tool of ['npm', 'pnpm', 'yarn']) {
      if (typeof engines[tool] === 'string') project.tools.push({ tool, kind: 'semver', spec: engines[tool], source: `${where('package.json')} engines.${tool} "${engines[tool]}"` });
    }
    const volta = (manifest.volta ?? {}) as Record<string, string>;
    if (typeof volta.node === 'string') project.node.push({ spec: volta.node, source: `${where('package.json')} volta.node "${volta.node}"` });
    const declared = typeof manifest.packageManager === 'string' ? manifest.packageManager.match(/^(npm|pnpm|yarn|bun)@(\d+\.\d+\.\d+[\w.-]*)/) : null;
    if (declared) {
      const source = `${where('package.json')} packageManager "${declared[1]}@${declared[2]}"`;
      project.packageManager ??= { tool: declared[1], version: declared[2], spec: declared[2], source };
      if (declared[1] === 'bun') project.bun.push({ spec: `^${declared[2]}`, source });
    }
  }
  for (const file of ['.nvmrc', '.node-version']) {
    const value = read(at(file))?.split('\n').find((line) => line.trim() && !line.trim().startsWith('#'));
    const range = value && nodeVersion(value);
    if (range) project.node.push({ spec: range, source: `${where(file)} "${value!.trim()}"` });
  }
};

const readToolVersions = (project: Project, content: string | undefined, source: string) => {
  for (const line of content?.split('\n') ?? []) {
    const [tool, version] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (tool === 'nodejs' || tool === 'node') {
      const range = version && nodeVersion(version);
      if (range) project.node.push({ spec: range, source: `${source} ${tool} ${version}` });
    }
    if (tool === 'python') {
      const pin = version && pythonPin(version);
      if (pin) project.python.push({ spec: pin, source: `${source} python ${version}` });
    }
  }
};

const readPython = (project: Project, at: (file: string) => string, where: (file: string) => string) => {
  const pyproject = read(at('pyproject.toml'));
  if (pyproject) {
    const doc = parseToml(pyproject);
    const file = where('pyproject.toml');
    const requires = tomlGet(doc, 'project', 'requires-python');
    if (typeof requires === 'string') project.python.push({ spec: requires, source: `${file} requires-python "${requires}"` });
    const poetryPython = text(tomlGet(doc, 'tool', 'poetry', 'dependencies', 'python'));
    if (poetryPython) project.python.push({ spec: poetryToPep440(poetryPython), source: `${file} [tool.poetry.dependencies] python "${poetryPython}"` });
    const uv = tomlGet(doc, 'tool', 'uv', 'required-version');
    if (typeof uv === 'string') project.tools.push({ tool: 'uv', kind: 'pep440', spec: uv, source: `${file} [tool.uv] required-version "${uv}"` });
    const poetry = tomlGet(doc, 'tool', 'poetry', 'requires-poetry');
    if (typeof poetry === 'string') project.tools.push({ tool: 'poetry', kind: 'pep440', spec: poetry, source: `${file} [tool.poetry] requires-poetry "${poetry}"` });
    const plugins = tomlGet(doc, 'tool', 'poetry', 'requires-plugins');
    if (typeof plugins === 'object' && plugins !== null && Object.keys(plugins).length > 0) {
      project.tools.push({ tool: 'poetry', kind: 'pep440', spec: '>=2.0', source: `${file} [tool.poetry.requires-plugins] (read by Poetry 2.0 and later)` });
    }
    for (const table of [tomlGet(doc, 'project', 'scripts'), tomlGet(doc, 'tool', 'poetry', 'scripts')]) {
      if (typeof table === 'object' && table !== null) for (const name of Object.keys(table)) project.scripts.add(name);
    }
  }
  const uvToml = read(at('uv.toml'));
  const uvRequired = uvToml ? tomlGet(parseToml(uvToml), 'required-version') : undefined;
  if (typeof uvRequired === 'string') project.tools.push({ tool: 'uv', kind: 'pep440', spec: uvRequired, source: `${where('uv.toml')} required-version "${uvRequired}"` });
  const lock = read(at('poetry.lock'));
  const lockVersion = lock ? tomlGet(parseToml(lock), 'metadata', 'lock-version') : undefined;
  const poetryFloor: Record<string, string> = { '2.1': '>=2.0', '2.0': '>=1.3' };
  if (typeof lockVersion === 'string' && poetryFloor[lockVersion]) {
    project.tools.push({ tool: 'poetry', kind: 'pep440', spec: poetryFloor[lockVersion], source: `${where('poetry.lock')} lock-version "${lockVersion}"` });
  }
  const pin = read(at('.python-version'))?.split('\n').find((line) => line.trim() && !line.startsWith('#'));
  const pinned = pin && pythonPin(pin);
  if (pinned) project.python.push({ spec: pinned, source: `${where('.python-version')} "${pin!.trim()}"` });
  const runtime = read(at('runtime.txt'))?.trim();
  const runtimePin = runtime && pythonPin(runtime);
  if (runtimePin) project.python.push({ spec: runtimePin, source: `${where('runtime.txt')} "${runtime}"` });
};

const readGoMod = (project: Project, content: string, source: string) => {
  const go = content.match(/^go\s+(\d+\.\d+(?:\.\d+)?(?:rc\d+)?)\s*$/m);
  if (go) project.go.push({ line: 'go', spec: go[1], source: `${source} "go ${go[1]}"` });
  const toolchain = content.match(/^toolchain\s+go(\d+\.\d+(?:\.\d+)?(?:rc\d+)?)\s*$/m);
  if (toolchain) project.go.push({ line: 'toolchain', spec: toolchain[1], source: `${source} "toolchain go${toolchain[1]}"` });
};

/** A Java release as a number: 21, "21", "1.8" -> 8, JavaVersion.VERSION_17 -> 17. */
const release = (value: string): number | undefined => {
  const match = value.match(/(?:VERSION_)?(?:1[._])?(\d+)\s*$/);
  return match ? Number(match[1]) : undefined;
};

const readJava = (project: Project, repo: string, folders: string[]) => {
  for (const folder of folders) {
    const pomPath = path.posix.join(folder, 'pom.xml');
    const pom = read(path.join(repo, pomPath));
    if (pom) {
      const properties = Object.fromEntries([...(pom.match(/<properties>([\s\S]*?)<\/properties>/)?.[1] ?? '').matchAll(/<([\w.-]+)>\s*([^<]*?)\s*<\/\1>/g)].map((m) => [m[1], m[2]]));
      const resolve = (value: string) => value.replace(/\$\{([\w.-]+)\}/g, (_, name: string) => properties[name] ?? '');
      const found: [string, string][] = ['java.version', 'maven.compiler.release', 'maven.compiler.source', 'maven.compiler.target'].filter((name) => properties[name]).map((name) => [`<${name}>`, properties[name]]);
      for (const plugin of pom.match(/<plugin>[\s\S]*?<\/plugin>/g) ?? []) {
        if (!plugin.includes('maven-compiler-plugin')) continue;
        for (const tag of ['release', 'source', 'target']) {
          const value = plugin.match(new RegExp(`<${tag}>\\s*([^<]+?)\\s*</${tag}>`))?.[1];
          if (value) found.push([`maven-compiler-plugin <${tag}>`, value]);
        }
      }
      for (const [name, value] of found) {
        const number = release(resolve(value));
        if (number) project.java.push({ release: number, exact: false, spec: String(number), source: `${pomPath} ${name}${resolve(value)}` });
      }
    }
    for (const file of ['build.gradle.kts', 'build.gradle']) {
      const gradlePath = path.posix.join(folder, file);
      const gradle = read(path.join(repo, gradlePath));
      if (!gradle) continue;
      for (const match of gradle.matchAll(/JavaLanguageVersion\.of\(\s*["']?(\d+)["']?\s*\)|jvmToolchain\(\s*(\d+)\s*\)/g)) {
        const number = Number(match[1] ?? match[2]);
        project.java.push({ release: number, exact: true, spec: String(number), source: `${gradlePath} toolchain languageVersion ${number}` });
      }
      for (const match of gradle.matchAll(/\b(sourceCompatibility|targetCompatibility)\s*=\s*([^\n]+)/g)) {
        const number = release(match[2].replace(/["')\s]/g, ''));
        if (number) project.java.push({ release: number, exact: false, spec: String(number), source: `${gradlePath} ${match[1]} ${match[2].trim()}` });
      }
    }
  }
};

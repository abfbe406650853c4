/**
 * One walk of the repository, shared by every detector: the list of its files (without dependency,
 * build-output, cache and vendored folders), and cached reads. Whole repositories of tens of thousands of
 * files are indexed in well under a second, so detection never stops at the first N files.
 */
import { lstatSync, readFileSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { compareText } from '../order.js';
import { parseJsonObject } from './repo-files.js';

/**
 * Folders never indexed: installed dependencies, build outputs, caches, virtual environments and vendored
 * code. Their files are not the project's own, and reading them would only mislead detection.
 */
export const skippedFolders = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'third_party',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  'htmlcov',
  'venv',
  'site-packages',
  '__pycache__',
  'storybook-static',
  'tmp',
  'temp',
  // Test inputs, not the repository's services: Go's toolchain ignores testdata/ for the same reason.
  'testdata',
  'fixtures',
  '__fixtures__',
  '__snapshots__',
]);

/** Files larger than this are generated or data, never hand-written configuration or source. */
const maxReadBytes = 512 * 1024;

const isSkipped = (entry: Dirent): boolean =>
  entry.name.startsWith('.') ? !keptDotFolders.has(entry.name) : skippedFolders.has(entry.name);

/** Dot-folders whose files detection reads (the others are tool caches and editor settings). */
const keptDotFolders = new Set(['.mvn', '.github', '.circleci', '.yarn']);

/** `.yarn` is kept for its releases and plugins only: its cache holds thousands of archives. */
const skippedBelow = new Set(['.yarn/cache', '.yarn/unplugged', '.yarn/install-state.gz', '.yarn/__virtual__']);

export class RepoIndex {
  private readonly texts = new Map<string, string | undefined>();
  private readonly byName = new Map<string, string[]>();
  private readonly folderSet: Set<string>;

  private constructor(
    readonly root: string,
    /** Every indexed file, repository-relative with forward slashes, in code-unit order. */
    readonly files: readonly string[],
    folders: string[],
  ) {
    this.folderSet = new Set(folders);
    for (const file of files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      const list = this.byName.get(name);
      if (list) list.push(file);
      else this.byName.set(name, [file]);
    }
  }

  static build(root: string): RepoIndex {
    const files: string[] = [];
    const folders: string[] = ['.'];
    const walk = (absolute: string, relative: string) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(absolute, { withFileTypes: true });
      } catch {
        return;
      }
      // A Python virtual environment, whatever its name (`env`, `.venv-3.12`), holds a pyvenv.cfg.
      if (relative !== '' && entries.some((entry) => entry.name === 'pyvenv.cfg')) return;
      if (relative !== '') folders.push(relative);
      // Beside Go sources, `build` is a Go package (a service's build/all.go wiring its routes), not output.
      const goPackage = entries.some((entry) => entry.isFile() && entry.name.endsWith('.go'));
      for (const entry of entries) {
        const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
        // Symbolic links are not followed: they may loop or lead out of the repository.
        if (entry.isDirectory()) {
          if ((isSkipped(entry) && !(goPackage && entry.name === 'build')) || skippedBelow.has(childRelative)) continue;
          walk(path.join(absolute, entry.name), childRelative);
        } else if (entry.isFile()) {
          files.push(childRelative);
        }
      }
    };
    walk(root, '');
    files.sort(compareText);
    folders.sort(compareText);
    return new RepoIndex(root, files, folders);
  }

  has(file: string): boolean {
    return this.filesUnderSorted(file).some((candidate) => candidate === file);
  }

  isFolder(folder: string): boolean {
    return this.folderSet.has(folder);
  }

  /** Every indexed folder, `.` included. */
  folders(): ReadonlySet<string> {
    return this.folderSet;
  }

  /** Text of a repository file, cached; undefined when missing, unreadable, binary-sized or a symlink. */
  read(file: string): string | undefined {
    if (this.texts.has(file)) return this.texts.get(file);
    let text: string | undefined;
    try {
      const absolute = path.join(this.root, file);
      const stats = lstatSync(absolute);
      text = stats.isFile() && stats.size <= maxReadBytes ? readFileSync(absolute, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    this.texts.set(file, text);
    return text;
  }

  /** A JSON object file, or undefined when missing or not an object. */
  json(file: string): Record<string, any> | undefined {
    return parseJsonObject(this.read(file));
  }

  /** Every indexed file with this base name, in order. */
  named(name: string): readonly string[] {
    return this.byName.get(name) ?? [];
  }

  /** Files under `folder` (any depth; `.` is the whole repository), in order. */
  filesUnder(folder: string): readonly string[] {
    return folder === '.' ? this.files : this.filesUnderSorted(`${folder}/`);
  }

  /**
   * Source files of a service: under `folder`, with one of `extensions`, outside `exclude` (the folders of
   * other services nested inside it) and outside test folders, so a test's fake port is not taken for the
   * service's own.
   */
  sourceFiles(folder: string, extensions: readonly string[], exclude: readonly string[] = []): string[] {
    const prefix = folder === '.' ? '' : `${folder}/`;
    return this.filesUnder(folder).filter((file) => {
      if (!extensions.some((extension) => file.endsWith(extension))) return false;
      if (exclude.some((other) => other !== folder && (other === '.' || file.startsWith(`${other}/`)))) return false;
      const parts = file.slice(prefix.length).split('/');
      return !parts.slice(0, -1).some((part) => testFolder.test(part)) && !testFile.test(parts[parts.length - 1]);
    });
  }

  /** A path relative to the repository root from one relative to `folder`. */
  static join(folder: string, file: string): string {
    const joined = path.posix.normalize(folder === '.' ? file : `${folder}/${file}`);
    return joined === '' ? '.' : joined.replace(/\/$/, '');
  }

  private filesUnderSorted(prefix: string): string[] {
    // Files sharing a prefix are contiguous in code-unit order: binary search the first, then read on.
    let low = 0;
    let high = this.files.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareText(this.files[middle], prefix) < 0) low = middle + 1;
      else high = middle;
    }
    const found: string[] = [];
    for (let index = low; index < this.files.length && this.files[index].startsWith(prefix); index += 1) found.push(this.files[index]);
    return found;
  }
}

const testFolder = /^(tests?|__tests__|spec|specs|e2e|cypress|playwright|__mocks__|mocks?|stories|examples?)$/;
const testFile = /\.(test|spec|stories)\.[cm]?[jt]sx?$|^test_.*\.py$|_test\.(py|go)$|^conftest\.py$/;

/**
 * The one Yeoman generator class behind `phase4` and every `phase4 <area>`: it resolves answers through
 * the catalog, asks what is missing, plans and renders through the pure core, and writes through
 * Yeoman's mem-fs. Subclasses only say which areas they run.
 */
import { type Stats, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { clearFileState, isFilePending, setCommittedFile } from 'mem-fs-editor/state';
import Generator from 'yeoman-generator';
import type { AnyOption, Answers, OptionName } from '../../lib/catalog/option.js';
import { catalog } from '../../lib/catalog/options.js';
import { questionFor } from '../../lib/catalog/questions.js';
import { type AnswersFile, loadAnswersFile } from '../../lib/config/answers-file.js';
import {
  type PartialResolution,
  checkAnswers,
  defaultFor,
  fillDefaults,
  noServicesError,
  requireComplete,
  resolveProvided,
} from '../../lib/config/resolve.js';
import { detect } from '../../lib/detect/index.js';
import type { Detection } from '../../lib/detect/types.js';
import { ExitCode, UsageError } from '../../lib/errors.js';
import { generatorVersion } from '../../lib/package-root.js';
import { derive } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { nextStepsOf, optionsRead, planModel } from '../../lib/plan/plan.js';
import { stableJson } from '../../lib/render/json.js';
import { renderAll } from '../../lib/render/render.js';
import { type Formatter, repositoryFormatter } from '../../lib/render/repository-prettier.js';
import { camelCase, runOptions } from '../../lib/run-options.js';
import { manifestPath, nextManifest, readManifest, serializeManifest, sha256 } from '../../lib/write/manifest.js';
import { commitFiles } from '../../lib/write/commit.js';
import { type ReportEntry, type RunReport, decide, formatReport } from '../../lib/write/report.js';
import { type PlannedWrite, planWrites } from '../../lib/write/status.js';
import { checkInsideRepository, checkTargetFolder } from '../../lib/write/target.js';

const options = catalog as readonly AnyOption[];

const yoRcPath = '.yo-rc.json';

/** A mem-fs file, as far as phase4's commit reads it. */
interface MemFsFile {
  path: string;
  contents: Buffer | null;
  stat?: { mode?: number } | null;
}

/**
 * Builds the generator class for some areas (`undefined`: all). A factory rather than a base class because
 * Yeoman queues only the methods of a generator's own prototype; helpers start with `_`, which Yeoman
 * does not queue.
 */
export const createPhase4Generator = (areas: readonly string[] | undefined) =>
  class Phase4Generator extends Generator {
    private readonly areas = areas;

    private detection!: Detection;
    private resolution!: PartialResolution;
    private answers!: Answers;
    private model!: StackModel;
    /** Defaults filled in for options no area of this run reads: not stored, so a later full run still asks. */
    private unstored = new Set<string>();
    private report?: RunReport;
    /** Absolute paths of the files this run decided to write; only these go through phase4's commit. */
    private readonly decided = new Set<string>();

    constructor(args: string[], opts: Record<string, unknown>) {
      // phase4 never installs packages in the user's repository.
      super(args, opts as never, { customInstallTask: true } as never);
      for (const option of options) {
        this.option(option.name, { type: String, description: option.description });
      }
      for (const option of runOptions) {
        this.option(option.name, { type: option.type === 'boolean' ? Boolean : String, description: option.description });
      }
      this.option('interactive', {
        type: Boolean,
        hide: true,
        description: 'Ask questions even without a TTY (tests); --no-interactive never asks',
      });
      // phase4 writes its files itself, all or nothing, once every decision is made (see _commit).
      this.setFeatures({ customCommitTask: () => this._commit() });
    }

    /**
     * The answers in `.yo-rc.json`, always under `generator-phase4` (Yeoman would derive the key from the
     * package that holds the generator, which tests and bundles do not always have).
     */
    _answerStore() {
      return this.createStorage('.yo-rc.json', { name: 'generator-phase4' });
    }

    /** A run option by its kebab name, whichever spelling (kebab from argv, camel from the API) delivered it. */
    _flag<T>(name: string): T | undefined {
      const all = this.options as Record<string, unknown>;
      const value = all[name] ?? all[camelCase(name)];
      return value as T | undefined;
    }

    _dryRun() {
      return Boolean(this._flag('dry-run'));
    }

    _interactive() {
      if (this._flag('defaults')) return false;
      const forced = this._flag<boolean>('interactive');
      return forced ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
    }

    async initializing() {
      const root = this.destinationRoot();
      checkTargetFolder(root);
      this.detection = detect(root);
      const answersPath = this._flag<string>('answers');
      let answersFile: AnswersFile | undefined;
      if (answersPath !== undefined) {
        if (typeof answersPath !== 'string' || answersPath === '') throw new UsageError('--answers', 'needs a file path');
        answersFile = await loadAnswersFile(answersPath, process.cwd());
      }
      const flags = Object.fromEntries(
        options.map((option) => [option.name, (this.options as Record<string, unknown>)[option.name] as string | undefined]),
      );
      for (const [name, value] of Object.entries(flags)) {
        if (value !== undefined && typeof value !== 'string' && !Array.isArray(value)) {
          throw new UsageError(`--${name}`, 'needs a value');
        }
      }
      this.resolution = resolveProvided({
        detection: this.detection,
        stored: this._answerStore().getAll(),
        answersFile,
        flags,
      });
    }

    /** The options this run's areas read: asked for and required; the others keep stored values or defaults. */
    _required(): ReadonlySet<string> {
      return optionsRead(this.areas);
    }

    async prompting() {
      const { answers, sources } = this.resolution;
      const required = this._required();
      if (this._interactive()) {
        // Ask for everything the user has not said yet; detected values are only suggestions.
        for (const option of options) {
          const name = option.name as OptionName;
          const source = sources[name];
          if (!required.has(name)) continue;
          if (source !== undefined && source !== 'detected') continue;
          const detected = source === 'detected';
          const suggested = detected ? answers[name] : defaultFor(option, answers, this.detection);
          if (option.kind === 'services' && (suggested as unknown[]).length === 0) {
            throw noServicesError(this.destinationRoot());
          }
          const question = questionFor(option, { answers, detection: this.detection, suggested, detected });
          const reply = (await this.prompt([question as never]))[name];
          (answers as Record<string, unknown>)[name] = reply;
          sources[name] = 'prompt';
        }
      }
      // Options no area of this run reads fall back to their defaults; the ones it reads must be answered
      // (or accepted with --defaults, or asked above).
      const acceptAll = this._flag('defaults') || this._interactive();
      const unread = new Set(options.map((option) => option.name).filter((name) => !required.has(name)));
      const complete = fillDefaults(this.resolution, this.detection, acceptAll ? undefined : required);
      this.unstored = new Set([...unread].filter((name) => complete.sources[name as OptionName] === 'default'));
      this.answers = checkAnswers(requireComplete(complete), this.destinationRoot());
      // Every shared fact (runtime images, settings, health checks) is derived here, so a bad answer stops the run before anything is written.
      this.model = derive(this.answers);
    }

    configuring() {
      if (this._dryRun()) return;
      const store = this._answerStore();
      for (const option of options) {
        if (!this.unstored.has(option.name)) store.set(option.name, this.answers[option.name as OptionName]);
      }
    }

    /**
     * Every decision before anything reaches the disk: where each file would land (never outside the
     * repository), its final text (the repository's prettier, if it has one), its status against the
     * manifest, and for each conflict the user's answer. Only then do the files go into mem-fs, and
     * nothing is on disk until the commit; an error or an interrupted question leaves the disk untouched.
     */
    async writing() {
      const root = this.destinationRoot();
      const rendered = renderAll(planModel(this.model, this.areas));
      checkInsideRepository(root, [...rendered.map((file) => file.path), manifestPath, yoRcPath]);
      const format = await this._formatter();
      const files = format ? await Promise.all(rendered.map(async (file) => ({ ...file, contents: await format(file.path, file.contents) }))) : rendered;
      const previous = readManifest(root);
      const mode = { force: Boolean(this._flag('force')), interactive: this._interactive() };
      const entries: ReportEntry[] = [];
      const recorded = [];
      for (const write of planWrites(files, root, previous)) {
        let action = decide(write, mode);
        if (action === 'ask' && !this._dryRun()) action = await this._askAboutConflict(write);
        entries.push({ path: write.path, area: write.area, status: write.status, action });
        if (action === 'leave' || action === 'keep' || write.status === 'keep') continue;
        recorded.push({ path: write.path, sha256: sha256(write.contents), area: write.area, ownership: write.ownership });
        if (this._dryRun() || action === 'skip') continue;
        this._writeFile(write.path, write.contents, write.executable);
      }
      this.report = {
        dryRun: this._dryRun(),
        answers: this.answers,
        files: entries,
        notes: [...this.detection.notes, ...this.model.notes],
        nextSteps: nextStepsOf(this.model, this.areas),
      };
      if (this._dryRun()) return;
      const manifest = await this._formatted(format, manifestPath, serializeManifest(nextManifest(previous, recorded, generatorVersion)));
      if (manifest !== this._onDisk(manifestPath)) this._writeFile(manifestPath, manifest);
      // Yeoman's storage wrote the answers into mem-fs; give them the same layout as every other JSON file.
      const yoRc = this.destinationPath(yoRcPath);
      if (this.fs.exists(yoRc)) this._writeFile(yoRcPath, await this._formatted(format, yoRcPath, stableJson(this.fs.readJSON(yoRc))));
    }

    /** The repository's prettier, when it has a configuration; a configuration prettier cannot use is reported, not fatal. */
    async _formatter(): Promise<Formatter | undefined> {
      const format = await repositoryFormatter(this.destinationRoot());
      if (!format) return undefined;
      let warned = false;
      return async (file, contents) => {
        try {
          return await format(file, contents);
        } catch (error) {
          if (!warned) this.log(`phase4: the repository's prettier configuration could not format ${file} (${(error as Error).message.split('\n')[0]}); files it cannot format are written as phase4 generates them.`);
          warned = true;
          return contents;
        }
      };
    }

    async _formatted(format: Formatter | undefined, file: string, contents: string) {
      return format ? format(file, contents) : contents;
    }

    _onDisk(relative: string): string | undefined {
      const file = this.destinationPath(relative);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    }

    /** One question per edited file: overwrite it, keep it, or see the differences first. */
    async _askAboutConflict(write: PlannedWrite): Promise<'overwrite' | 'keep'> {
      for (;;) {
        const { conflict } = await this.prompt<{ conflict: 'overwrite' | 'keep' | 'diff' }>([
          {
            type: 'expand',
            name: 'conflict',
            message: `${write.path} was edited since phase4 wrote it. Overwrite it?`,
            expanded: true,
            choices: [
              { key: 'y', name: 'overwrite it with what phase4 generates now', value: 'overwrite' },
              { key: 'n', name: 'keep mine (phase4 leaves it as it is)', value: 'keep' },
              { key: 'd', name: 'show the differences, then ask again', value: 'diff' },
            ],
          } as never,
        ]);
        if (conflict !== 'diff') return conflict;
        const disk = this._onDisk(write.path) ?? '';
        this.log(createTwoFilesPatch(write.path, write.path, disk, write.contents, 'yours', 'phase4'));
      }
    }

    /** Writes into mem-fs; the commit takes it to disk once the run's tasks have all succeeded. */
    _writeFile(relative: string, contents: string, executable = false) {
      const destination = this.destinationPath(relative);
      this.fs.write(destination, contents, executable ? { stat: { mode: 0o755 } as Stats } : undefined);
      this.decided.add(destination);
    }

    /**
     * Yeoman's commit step, taken over: the files phase4 decided on (and `.yo-rc.json`) are written all
     * together or not at all, with no conflicter asking again and no second list of the files. Files some
     * other generator composed with phase4 put into mem-fs go through Yeoman's own commit.
     */
    async _commit() {
      const pending = (this.fs.store.all() as MemFsFile[]).filter((file) => isFilePending(file as never));
      const own = pending.filter((file) => this.decided.has(file.path) && file.contents !== null);
      commitFiles(own.map((file) => ({ path: file.path, contents: file.contents!, mode: file.stat?.mode ?? undefined })));
      for (const file of own) {
        setCommittedFile(file as never);
        clearFileState(file as never);
      }
      if (own.length < pending.length) {
        const { commitSharedFsTask } = await import('yeoman-environment');
        await commitSharedFsTask(this.env as never);
      }
    }

    end() {
      const report = this.report!;
      if (this._flag('json')) {
        const detection = {
          services: this.detection.services.map(({ name, path, evidence }) => ({ name, path, evidence })),
          notServices: this.detection.notServices,
        };
        const json = { dryRun: report.dryRun, answers: report.answers, detection, files: report.files, notes: report.notes, nextSteps: report.nextSteps };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        this.log(formatReport(report));
        if (!report.dryRun) this.log(`Answers saved in ${path.join(this.destinationRoot(), '.yo-rc.json')}; re-run any phase4 generator to regenerate.`);
      }
      if (report.files.some((file) => file.action === 'leave')) process.exitCode = ExitCode.conflicts;
    }
  };

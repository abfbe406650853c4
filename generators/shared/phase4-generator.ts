/**
 * The one Yeoman generator class behind `phase4` and every `phase4 <area>`: it resolves answers through
 * the catalog, asks what is missing, plans and renders through the pure core, and writes through
 * Yeoman's mem-fs. Subclasses only say which areas they run.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';
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
import { renderAll } from '../../lib/render/render.js';
import { camelCase, runOptions } from '../../lib/run-options.js';
import { manifestPath, nextManifest, readManifest, serializeManifest, sha256 } from '../../lib/write/manifest.js';
import { type ReportEntry, type RunReport, decide, formatReport } from '../../lib/write/report.js';
import { planWrites } from '../../lib/write/status.js';
import { checkTargetFolder } from '../../lib/write/target.js';

const options = catalog as readonly AnyOption[];

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

    writing() {
      const root = this.destinationRoot();
      const previous = readManifest(root);
      const writes = planWrites(renderAll(planModel(this.model, this.areas)), root, previous);
      const mode = { force: Boolean(this._flag('force')), interactive: this._interactive() };
      const files: ReportEntry[] = [];
      const recorded = [];
      for (const write of writes) {
        const action = decide(write, mode);
        files.push({ path: write.path, area: write.area, status: write.status, action });
        if (action === 'leave' || write.status === 'keep') continue;
        recorded.push({ path: write.path, sha256: sha256(write.contents), area: write.area, ownership: write.ownership });
        if (this._dryRun() || action === 'skip') continue;
        this._writeFile(write.path, write.contents, action === 'ask' ? undefined : write.status === 'create' ? 'create' : 'force', write.executable);
      }
      this.report = {
        dryRun: this._dryRun(),
        answers: this.answers,
        files,
        notes: [...this.detection.notes, ...this.model.notes],
        nextSteps: nextStepsOf(this.model, this.areas),
      };
      const manifest = serializeManifest(nextManifest(previous, recorded, generatorVersion));
      if (!this._dryRun() && manifest !== serializeManifest(previous ?? nextManifest(undefined, [], generatorVersion))) {
        this._writeFile(manifestPath, manifest, 'force');
      }
    }

    /**
     * Writes into mem-fs. `status` pre-decides the conflicter's verdict (phase4 already compared with the
     * disk); without it the conflicter compares and asks the user.
     */
    _writeFile(relative: string, contents: string, status: 'create' | 'force' | undefined, executable = false) {
      const destination = this.destinationPath(relative);
      this.fs.write(destination, contents, executable ? { stat: { mode: 0o755 } as Stats } : undefined);
      if (status) {
        const file = this.fs.store.get(destination) as { conflicter?: string };
        file.conflicter = status;
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

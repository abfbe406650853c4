#!/usr/bin/env node
/**
 * `phase4`: runs the generator-phase4 generators without `yo`. Help, version and the answers schema are
 * answered without loading Yeoman, so they stay instant; a run loads it lazily.
 *
 * Exit codes: 0 done; 1 unexpected failure; 2 bad input or usage (nothing written);
 * 3 conflicts left unresolved in a non-interactive run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { helpText } from '../lib/cli/help.js';
import { cliOptionSpec, generatorNames, runOptionsFrom } from '../lib/cli/args.js';
import { ExitCode, isUsageError } from '../lib/errors.js';
import { checkTargetFolder } from '../lib/write/target.js';

const fail = (message: string, code: number) => {
  process.stderr.write(`phase4: ${message}\n`);
  process.exitCode = code;
};

/** The folder to run in (`--cwd`, else the current one), checked; undefined after reporting why not. */
const targetFolder = (values: Record<string, unknown>): string | undefined => {
  const cwd = path.resolve(typeof values.cwd === 'string' ? values.cwd : process.cwd());
  try {
    checkTargetFolder(cwd);
    return cwd;
  } catch (error) {
    if (isUsageError(error)) return void fail(error.message, ExitCode.usage);
    throw error;
  }
};

/** `phase4 detect`: detection with its evidence, as text or JSON; never loads Yeoman, never writes. */
const runDetect = async (values: Record<string, unknown>) => {
  const cwd = targetFolder(values);
  if (cwd === undefined) return;
  const { detect } = await import('../lib/detect/index.js');
  const detection = detect(cwd);
  if (values.json) return void process.stdout.write(`${JSON.stringify(detection, null, 2)}\n`);
  const { formatDetection } = await import('../lib/cli/detect-report.js');
  process.stdout.write(formatDetection(detection));
};

const main = async () => {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: cliOptionSpec, allowPositionals: true, strict: true });
  } catch (error) {
    return fail(`${(error as Error).message}; see phase4 --help`, ExitCode.usage);
  }
  const { values, positionals } = parsed;
  if (values.help) return void process.stdout.write(helpText());
  if (values.version) {
    const { generatorVersion } = await import('../lib/package-root.js');
    return void process.stdout.write(`${generatorVersion}\n`);
  }
  if (values['print-schema']) {
    const { answersSchema } = await import('../lib/catalog/schema.js');
    return void process.stdout.write(`${JSON.stringify(answersSchema(), null, 2)}\n`);
  }
  const [generator = 'app', ...extra] = positionals;
  if (extra.length > 0) return fail(`unexpected argument '${extra[0]}'; see phase4 --help`, ExitCode.usage);
  if (generator === 'detect') return runDetect(values);
  if (!generatorNames.includes(generator)) {
    return fail(`generator: unknown generator '${generator}'; use one of ${generatorNames.join(', ')}`, ExitCode.usage);
  }
  const cwd = targetFolder(values);
  if (cwd === undefined) return;

  // The bundle (built by `npm run build`) starts about twice as fast as Yeoman's separate modules.
  const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-generator.bundle.js');
  const { runGenerator } = (await import(
    existsSync(bundle) ? pathToFileURL(bundle).href : './run-generator.js'
  )) as typeof import('./run-generator.js');
  // A prompt that cannot be shown (no TTY) makes Yeoman stop without an error: never report that as success.
  process.exitCode = ExitCode.unexpected;
  try {
    await runGenerator(generator, runOptionsFrom(values), cwd);
  } catch (error) {
    if (isUsageError(error)) return fail(error.message, ExitCode.usage);
    const name = (error as Error)?.name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError') {
      // Ctrl-C at a question, or a question with no terminal to ask it on: either way nothing was written.
      const reason = process.stdin.isTTY ? 'interrupted at a question' : 'a question could not be asked (no terminal)';
      return fail(`${reason}; nothing was written. Pass --defaults, flags or --answers FILE to run without questions`, ExitCode.usage);
    }
    return fail((error as Error)?.stack ?? String(error), ExitCode.unexpected);
  }
  process.exitCode = process.exitCode === ExitCode.conflicts ? ExitCode.conflicts : ExitCode.done;
};

await main();

/**
 * Renders planned files to their final text: EJS template, tidied (and Markdown tables aligned) so the
 * output is stable under prettier's defaults, then the generated-by header for managed files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import ejs from 'ejs';
import { packageRoot, templatesRoot } from '../package-root.js';
import type { PlannedFile } from '../plan/types.js';
import { withHeader } from './header.js';
import { alignTables } from './markdown.js';
import * as hcl from './hcl.js';
import { alignHclAttributes } from './hcl-format.js';
import * as quote from './quote.js';

export interface RenderedFile extends PlannedFile {
  contents: string;
}

type TemplateFunction = (data: Record<string, unknown>) => string;

const templateCache = new Map<string, TemplateFunction>();

// EJS caches the fast compiles (the included partials' too) by file name; the debugging compile bypasses it.
const compile = (template: string, compileDebug: boolean): TemplateFunction => {
  const filename = path.join(templatesRoot, template);
  const source = readFileSync(filename, 'utf8');
  // A template without EJS tags (a Terraform module, a chart's Go template) is its own output: no compile.
  return source.includes('<%') ? (ejs.compile(source, { filename, strict: true, localsName: 'it', _with: false, compileDebug, cache: !compileDebug }) as TemplateFunction) : () => source;
};

/**
 * A build (dist/) carries the templates compiled by scripts/precompile-templates.mjs, one bundle per folder; sources
 * run through tsx compile them here, so an edited template is never shadowed by a stale build.
 */
export const precompiledRoot = fileURLToPath(import.meta.url).includes(`${path.sep}dist${path.sep}`) ? path.join(packageRoot, 'dist', 'templates-compiled') : undefined;

type CompiledBody = (it: Record<string, unknown>, escapeFn: (text: string) => string, include: (name: string, data?: Record<string, unknown>) => string) => string;

/** One folder's templates as the build compiled them: EJS's functions, and the text of the files without EJS tags. */
interface Bundle {
  compiled: Record<string, CompiledBody>;
  text: Record<string, string>;
}

const bundles = new Map<string, Bundle | undefined>();

/** A folder's bundle, loaded once per run, with V8's code cache of it when this Node's V8 accepts it. */
const bundleOf = (folder: string): Bundle | undefined => {
  if (bundles.has(folder)) return bundles.get(folder);
  const file = path.join(precompiledRoot!, ...folder.split('/').filter(Boolean), '_bundle.js');
  let bundle: Bundle | undefined;
  try {
    const source = readFileSync(file, 'utf8');
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      cachedData = undefined;
    }
    bundle = new vm.Script(source, { filename: file, cachedData }).runInThisContext() as Bundle;
  } catch {
    bundle = undefined;
  }
  bundles.set(folder, bundle);
  return bundle;
};

/** The build's compiled template, called as EJS calls its own: on a copy of the data, includes resolved beside the template. */
const precompiled = (template: string): TemplateFunction | undefined => {
  if (!precompiledRoot) return undefined;
  const bundle = bundleOf(path.posix.dirname(template));
  const name = path.posix.basename(template);
  const text = bundle && Object.hasOwn(bundle.text, name) ? bundle.text[name] : undefined;
  if (text !== undefined) return () => text;
  const body = bundle && Object.hasOwn(bundle.compiled, name) ? bundle.compiled[name] : undefined;
  if (!body) return undefined;
  return (data) => {
    const include = (name: string, extra?: Record<string, unknown>) => {
      const included = path.posix.join(path.posix.dirname(template), path.posix.extname(name) ? name : `${name}.ejs`);
      return compiled(included)(extra ? { ...data, ...extra } : { ...data });
    };
    return body(Object.assign(Object.create(null), data), ejs.escapeXML, include);
  };
};

/**
 * Templates compile without EJS's line tracking, which halves their compile and run time (most of what
 * rendering costs), or come compiled with the build; a template that throws is compiled again with line
 * tracking, so that its error names the line.
 */
const compiled = (template: string): TemplateFunction => {
  let render = templateCache.get(template);
  if (!render) {
    const fast = precompiled(template) ?? compile(template, false);
    render = (data) => {
      try {
        return fast(data);
      } catch {
        return compile(template, true)(data);
      }
    };
    templateCache.set(template, render);
  }
  return render;
};

/** A line without its trailing spaces and tabs (a loop: a regular expression backtracks over every indentation run). */
const withoutTrailingBlanks = (line: string): string => {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end -= 1;
  return end === line.length ? line : line.slice(0, end);
};

/** Trailing spaces and runs of blank lines that template branches leave behind are never wanted. */
const tidy = (text: string) => `${text.split('\n').map(withoutTrailingBlanks).join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;

export const renderFile = (file: PlannedFile): RenderedFile => {
  const text = tidy(compiled(file.template)({ ...file.data, quote, hcl }) as string);
  const body = file.path.endsWith('.md') ? alignTables(text) : /\.(tf|tftest\.hcl)$/.test(file.path) ? alignHclAttributes(text) : text;
  const contents = file.ownership === 'managed' ? withHeader(file.path, body, file.area) : body;
  return { ...file, contents };
};

export const renderAll = (files: PlannedFile[]): RenderedFile[] => files.map(renderFile);

/**
 * Renders planned files to their final text: EJS template, tidied (and Markdown tables aligned) so the
 * output is stable under prettier's defaults, then the generated-by header for managed files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { templatesRoot } from '../package-root.js';
import type { PlannedFile } from '../plan/types.js';
import { withHeader } from './header.js';
import { alignTables } from './markdown.js';
import * as hcl from './hcl.js';
import { alignHclAttributes } from './hcl-format.js';
import * as quote from './quote.js';

export interface RenderedFile extends PlannedFile {
  contents: string;
}

const templateCache = new Map<string, ejs.TemplateFunction>();

// EJS caches the fast compiles (the included partials' too) by file name; the debugging compile bypasses it.
const compile = (template: string, compileDebug: boolean): ejs.TemplateFunction => {
  const filename = path.join(templatesRoot, template);
  const source = readFileSync(filename, 'utf8');
  // A template without EJS tags (a Terraform module, a chart's Go template) is its own output: no compile.
  return source.includes('<%') ? ejs.compile(source, { filename, strict: true, localsName: 'it', _with: false, compileDebug, cache: !compileDebug }) : () => source;
};

/**
 * Templates compile without EJS's line tracking, which halves their compile and run time (most of what
 * rendering costs); a template that throws is compiled again with it, so that its error names the line.
 */
const compiled = (template: string): ejs.TemplateFunction => {
  let render = templateCache.get(template);
  if (!render) {
    const fast = compile(template, false);
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

/** Trailing spaces and runs of blank lines that template branches leave behind are never wanted. */
const tidy = (text: string) =>
  text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n');

export const renderFile = (file: PlannedFile): RenderedFile => {
  const text = tidy(compiled(file.template)({ ...file.data, quote, hcl }) as string);
  const body = file.path.endsWith('.md') ? alignTables(text) : /\.(tf|tftest\.hcl)$/.test(file.path) ? alignHclAttributes(text) : text;
  const contents = file.ownership === 'managed' ? withHeader(file.path, body, file.area) : body;
  return { ...file, contents };
};

export const renderAll = (files: PlannedFile[]): RenderedFile[] => files.map(renderFile);

// Compiles the templates of each folder of templates/ into one bundle, dist/templates-compiled/<folder>/_bundle.js:
// for every EJS template the function EJS builds for it (EJS's compile is most of what rendering costs), and the
// text of every file without EJS tags (a Terraform module, a chart's Go template), which renders as it is.
// Beside it, _bundle.js.cache holds V8's code cache of the bundle, which spares a run most of compiling the
// JavaScript too (a Node with another V8 rejects it and compiles). A run loads a folder's bundle once, on its
// first template: one read and one compile for the folder instead of one per template. Options match
// lib/render/render.ts's fast compile.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ejs from 'ejs';

const templatesRoot = path.resolve('templates');
const outRoot = path.resolve('dist', 'templates-compiled');
rmSync(outRoot, { recursive: true, force: true });

/** Per folder (relative to templates/, forward slashes): the entries of its bundle's two maps. */
const folders = new Map();
for (const entry of readdirSync(templatesRoot, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const filename = path.join(entry.parentPath, entry.name);
  const folder = path.relative(templatesRoot, entry.parentPath).split(path.sep).join('/');
  if (!folders.has(folder)) folders.set(folder, { compiled: [], text: [] });
  const bundle = folders.get(folder);
  const text = readFileSync(filename, 'utf8');
  if (!text.includes('<%')) {
    bundle.text.push(`${JSON.stringify(entry.name)}: ${JSON.stringify(text)}`);
    continue;
  }
  const template = new ejs.Template(text, { filename, strict: true, localsName: 'it', _with: false, compileDebug: false });
  // compile() leaves the function body it built in `source`; the strict directive is added by compile's caller.
  template.compile();
  // Parenthesised, so that V8 compiles the function eagerly and the code cache holds all of it.
  bundle.compiled.push(`${JSON.stringify(entry.name)}: (function (it, escapeFn, include, rethrow) {\n"use strict";\n${template.source}\n})`);
}

let count = 0;
for (const [folder, bundle] of folders) {
  const target = path.join(outRoot, ...folder.split('/').filter(Boolean), '_bundle.js');
  mkdirSync(path.dirname(target), { recursive: true });
  const source = `({\ncompiled: {\n${bundle.compiled.join(',\n')}\n},\ntext: {\n${bundle.text.join(',\n')}\n}\n})`;
  writeFileSync(target, source);
  writeFileSync(`${target}.cache`, new vm.Script(source, { filename: target }).createCachedData());
  count += bundle.compiled.length;
}
console.log(`precompile-templates: ${count} templates in ${folders.size} bundles`);

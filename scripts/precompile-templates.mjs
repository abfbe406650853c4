// Compiles every EJS template of templates/ into dist/templates-compiled/<template>.js, the function EJS builds
// for it, so that a run loads compiled templates instead of compiling them (EJS's compile is most of what
// rendering costs), with <template>.js.cache, V8's code cache of that function, which spares a run most of
// compiling the JavaScript too (a Node with another V8 rejects it and compiles). Options match
// lib/render/render.ts's fast compile; a template without EJS tags is not compiled there either, so it gets
// nothing here.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ejs from 'ejs';

const templatesRoot = path.resolve('templates');
const outRoot = path.resolve('dist', 'templates-compiled');
rmSync(outRoot, { recursive: true, force: true });

let count = 0;
for (const entry of readdirSync(templatesRoot, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const filename = path.join(entry.parentPath, entry.name);
  const text = readFileSync(filename, 'utf8');
  if (!text.includes('<%')) continue;
  const template = new ejs.Template(text, { filename, strict: true, localsName: 'it', _with: false, compileDebug: false });
  // compile() leaves the function body it built in `source`; the strict directive is added by compile's caller.
  template.compile();
  const target = path.join(outRoot, `${path.relative(templatesRoot, filename)}.js`);
  mkdirSync(path.dirname(target), { recursive: true });
  // Parenthesised, so that V8 compiles the function eagerly and its code cache holds all of it.
  const source = `(function (it, escapeFn, include, rethrow) {\n"use strict";\n${template.source}\n})`;
  writeFileSync(target, source);
  writeFileSync(`${target}.cache`, new vm.Script(source, { filename: target }).createCachedData());
  count += 1;
}
console.log(`precompile-templates: ${count} templates`);

/**
 * A generated repository of about 20,000 files for the detection benchmark: deep source trees, a Go server
 * whose main.go sits at the root beside thousands of package files, a pnpm workspace with installed
 * node_modules, a vendored Go folder, a Python virtual environment and build outputs, which detection must
 * skip without stopping early.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const write = (root: string, file: string, contents: string) => {
  const target = path.join(root, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, contents);
};

export const bigRepository = (root: string, target = 20_000): { files: number } => {
  let files = 0;
  const add = (file: string, contents: string) => {
    write(root, file, contents);
    files += 1;
  };
  add('package.json', JSON.stringify({ name: 'big', private: true, packageManager: 'pnpm@9.15.0' }));
  add('pnpm-workspace.yaml', 'packages:\n  - "apps/*"\n  - "packages/*"\n');
  add('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
  // Installed dependencies and build outputs: many files, none of them the project's own.
  for (let index = 0; index < 6000; index += 1) add(`node_modules/.pnpm/pkg-${index % 300}/node_modules/pkg-${index % 300}/lib/file-${index}.js`, 'module.exports = 1;\n');
  for (let index = 0; index < 2000; index += 1) add(`vendor/github.com/acme/lib${index % 40}/file${index}.go`, 'package lib\n');
  for (let index = 0; index < 1500; index += 1) add(`.venv/lib/python3.12/site-packages/pkg${index % 50}/mod${index}.py`, 'x = 1\n');
  add('.venv/pyvenv.cfg', 'home = /usr/bin\n');
  for (let index = 0; index < 1000; index += 1) add(`apps/web/dist/assets/chunk-${index}.js`, 'x\n');
  // The project: Go packages in deep trees (the root main.go sorts after them), two apps, libraries.
  add('go.mod', 'module github.com/acme/big\n\ngo 1.24\n\nrequire github.com/go-chi/chi/v5 v5.2.0\n');
  const depth = ['internal', 'domain', 'orders', 'handlers', 'v1', 'impl'];
  for (let index = 0; files < target - 400; index += 1) {
    const folder = depth.slice(0, 1 + (index % depth.length)).join('/');
    add(`${folder}/pkg${index % 200}/file${index}.go`, `package pkg${index % 200}\n\nfunc F${index}() int { return ${index} }\n`);
  }
  add('zz_main.go', 'package main\n');
  add(
    'main.go',
    'package main\n\nimport (\n\t"net/http"\n\t"github.com/go-chi/chi/v5"\n)\n\nfunc main() {\n\tr := chi.NewRouter()\n\tr.Get("/healthz", ok)\n\thttp.ListenAndServe(":8080", r)\n}\n',
  );
  add('apps/web/package.json', JSON.stringify({ name: '@big/web', scripts: { build: 'vite build' }, dependencies: { react: '^18.3.0' }, devDependencies: { vite: '^6.0.0' } }));
  for (let index = 0; index < 200; index += 1) add(`apps/web/src/components/c${index}.tsx`, 'export const C = () => null;\n');
  add('apps/api/package.json', JSON.stringify({ name: '@big/api', scripts: { start: 'node src/server.js' }, dependencies: { express: '^4.21.0', pg: '^8.13.0' } }));
  add('apps/api/src/server.js', "const app = require('express')();\napp.get('/health', (req, res) => res.send('ok'));\napp.listen(process.env.PORT || 4000);\n");
  for (let index = 0; index < 150; index += 1) add(`apps/api/src/routes/r${index}.js`, 'module.exports = {};\n');
  add('packages/ui/package.json', JSON.stringify({ name: '@big/ui', peerDependencies: { react: '^18.3.0' } }));
  return { files };
};

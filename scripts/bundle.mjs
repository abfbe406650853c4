// Bundles the run path (dist/bin/run-generator.js: yeoman-environment and the generators) into
// dist/bin/run-generator.bundle.js. One file loads in about half the time of several hundred modules.
//
// Bundled ES modules lose their own import.meta.url. A few dependencies use it at load time to read their
// own package.json (yeoman-generator, yeoman-environment) or to resolve modules: each such module gets
// the URL it would have in `dist/bin/bundled/<package>/<file>`, and that folder holds a copy of the
// package's package.json, so those reads find what they expect and resolution walks up into the
// package's real node_modules.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const outDir = path.resolve('dist/bin');
const shadowRoot = path.join(outDir, 'bundled');
rmSync(shadowRoot, { recursive: true, force: true });

/** The package folder and name that hold `file`, from the last node_modules segment of its path. */
const packageOf = (file) => {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  const scoped = parts[at + 1].startsWith('@');
  const name = scoped ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
  const root = parts.slice(0, at + (scoped ? 3 : 2)).join(path.sep);
  return { name, root };
};

const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const { name, root } = packageOf(args.path);
      const shadowFile = path.join(shadowRoot, name, path.relative(root, args.path));
      mkdirSync(path.join(shadowRoot, name), { recursive: true });
      copyFileSync(path.join(root, 'package.json'), path.join(shadowRoot, name, 'package.json'));
      const relative = path.relative(outDir, shadowFile).split(path.sep).join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${relative}`)}, import.meta.url).href`),
        loader: 'js',
        resolveDir: path.dirname(args.path),
      };
    });
  },
};

await build({
  entryPoints: ['dist/bin/run-generator.js'],
  outfile: 'dist/bin/run-generator.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [keepImportMetaUrl],
  // Loaded only for repositories with their own prettier configuration, from node_modules as it ships
  // (prettier loads its language plugins by path at run time).
  external: ['prettier'],
  // jsonc-parser's main entry is a UMD module whose requires esbuild cannot follow; its ES module build is
  // the same code.
  // fly-import and latest-version load npm's arborist, pacote and an HTTP client for features phase4 never
  // uses (installing generators on the fly, looking up versions): stand-ins that refuse replace them.
  alias: {
    'jsonc-parser': 'jsonc-parser/lib/esm/main.js',
    'fly-import': path.resolve('scripts/bundle-stubs/fly-import.mjs'),
    'latest-version': path.resolve('scripts/bundle-stubs/latest-version.mjs'),
  },
  // Bundled CommonJS code still expects require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __phase4Require } from 'node:module';",
      "import { fileURLToPath as __phase4Path } from 'node:url';",
      "import { dirname as __phase4Dir } from 'node:path';",
      'const require = __phase4Require(import.meta.url);',
      'const __filename = __phase4Path(import.meta.url);',
      'const __dirname = __phase4Dir(__filename);',
    ].join('\n'),
  },
});

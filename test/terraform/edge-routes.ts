/**
 * Which hosts the edge (Google's load balancer, Azure Front Door) routes each path-prefixed service on, computed
 * by the real terraform from the locals the rendered module declares, over the routes a rendered environment
 * hands it. No provider is involved: the expressions are copied into a configuration of their own (locals and
 * one variable) and read back with `terraform console`.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/folders.js';
import { runTool } from '../helpers/tools.js';

export interface EdgeRoute {
  host: string;
  path: string;
}

/** `<key> = { ..., host = "<host>", path = "<path>", ... }` lines of a rendered environment's routes map. */
export const routesIn = (environmentMain: string, block: 'routes' | 'app_routes'): Record<string, EdgeRoute> => {
  const body = environmentMain.match(new RegExp(`\\n  ${block} = \\{\\n([\\s\\S]*?)\\n  \\}\\n`))?.[1];
  assert.ok(body, `no ${block} map`);
  return Object.fromEntries(
    body.split('\n').map((line) => {
      const match = line.match(/^\s+([a-z0-9-]+)\s+= \{.*\bhost = "([^"]+)", path = "([^"]+)"/);
      assert.ok(match, line);
      return [match[1], { host: match[2], path: match[3] }];
    }),
  );
};

const hclValue = (routes: Record<string, EdgeRoute>) =>
  `{ ${Object.entries(routes).map(([name, route]) => `"${name}" = { host = "${route.host}", path = "${route.path}" }`).join(', ')} }`;

/**
 * Evaluates `expression` (JSON-encoded) in a configuration holding `locals` (copied from a module) and the
 * variable `variable` set to `routes`.
 */
export const evaluateWithRoutes = (variable: string, routes: Record<string, EdgeRoute>, locals: string, expression: string): unknown => {
  const dir = tempDir('phase4-edge-');
  writeFileSync(
    path.join(dir, 'main.tf'),
    `variable "${variable}" {\n  type = map(object({ host = string, path = string }))\n}\n\nlocals {\n  hosts = distinct([for route in values(var.${variable}) : route.host])\n${locals}\n}\n`,
  );
  writeFileSync(path.join(dir, 'terraform.tfvars'), `${variable} = ${hclValue(routes)}\n`);
  const result = runTool('terraform', ['console'], { cwd: dir, input: `jsonencode(${expression})\n`, env: { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  return JSON.parse(JSON.parse(result.stdout.trim()));
};

/** The text of `name = ...` in a module's locals: one line, or a `{ ... }` block up to its closing brace at the same indent. */
export const localDefinition = (moduleMain: string, name: string): string => {
  const start = moduleMain.match(new RegExp(`\\n(  ${name}\\s+= .*)\\n`));
  assert.ok(start, `no local ${name}`);
  if (!start[1].endsWith('{')) return start[1];
  const from = moduleMain.indexOf(start[1]);
  const end = moduleMain.indexOf('\n  }\n', from);
  return moduleMain.slice(from, end + 4);
};

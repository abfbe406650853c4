/**
 * The bad-input corpus: every case must exit 2, name the field at fault on stderr, and leave the target
 * folder byte-for-byte unchanged (not even .yo-rc.json).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { snapshot, tempDir, writeTree } from '../helpers/folders.js';

interface Case {
  name: string;
  args: string[];
  /** Names the field: stderr must contain it. */
  field: string;
  /** Extra files to put in the target folder before the run. */
  files?: Record<string, string>;
  /** Run with -C pointing elsewhere than the prepared folder. */
  target?: (dir: string) => string;
}

const service = (overrides: Record<string, unknown>) =>
  JSON.stringify([{ name: 'api', path: 'api', kind: 'backend', language: 'node', framework: 'express', port: 3000, ...overrides }]);

/** The api service and a React front end it serves, built into api/public. */
const served = (overrides: Record<string, unknown>) =>
  JSON.stringify([
    { name: 'api', path: 'api', kind: 'backend', language: 'node', framework: 'express', port: 3000 },
    { name: 'web', path: 'api/web', kind: 'frontend', language: 'node', framework: 'react', servedBy: 'api', builtInto: 'api/public', ...overrides },
  ]);

const defaults = ['--defaults'];
const cases: Case[] = [
  { name: 'unknown ci', args: [...defaults, '--ci', 'gitlab'], field: '--ci' },
  { name: 'unknown cloud', args: [...defaults, '--cloud', 'digitalocean'], field: '--cloud' },
  { name: 'unknown orchestration', args: [...defaults, '--orchestration', 'swarm'], field: '--orchestration' },
  { name: 'unknown monitoring', args: [...defaults, '--monitoring', 'prometheus'], field: '--monitoring' },
  { name: 'unknown strategy', args: [...defaults, '--strategy', 'recreate'], field: '--strategy' },
  { name: 'unknown database', args: [...defaults, '--database', 'sqlite'], field: '--database' },
  { name: 'unknown cache', args: [...defaults, '--cache', 'memcached'], field: '--cache' },
  { name: 'name with underscore and capitals', args: [...defaults, '--name', 'Bad_Name'], field: '--name' },
  { name: 'name too long', args: [...defaults, '--name', 'a'.repeat(64)], field: '--name' },
  { name: 'name over the 40-character limit', args: [...defaults, '--name', 'a'.repeat(41)], field: '--name' },
  {
    name: 'name and environment too long for a namespace',
    args: [...defaults, '--name', 'a'.repeat(40), '--environments', 'staging,preproduction-europe-west,production'],
    field: 'name',
  },
  { name: 'name starting with a digit', args: [...defaults, '--name', '1app'], field: '--name' },
  { name: 'duplicate environment', args: [...defaults, '--environments', 'staging,staging'], field: '--environments' },
  { name: 'environment with capitals', args: [...defaults, '--environments', 'Prod'], field: '--environments[0]' },
  { name: 'no environments', args: [...defaults, '--environments', ','], field: '--environments' },
  { name: 'too many environments', args: [...defaults, '--environments', 'a,b,c,d,e,f,g'], field: '--environments' },
  { name: 'production not last', args: [...defaults, '--environments', 'production,staging'], field: 'environments' },
  { name: 'registry with capitals', args: [...defaults, '--registry', 'GHCR.io/Acme'], field: '--registry' },
  { name: 'registry with a scheme', args: [...defaults, '--registry', 'https://ghcr.io/acme'], field: '--registry' },
  { name: 'domain without a dot', args: [...defaults, '--domain', 'localhost'], field: '--domain' },
  { name: 'domain with a space', args: [...defaults, '--domain', 'exa mple.com'], field: '--domain' },
  { name: 'team with a space', args: [...defaults, '--team', 'Platform Team'], field: '--team' },
  { name: 'cloudwatch on gcp', args: [...defaults, '--monitoring', 'cloudwatch', '--cloud', 'gcp'], field: 'monitoring' },
  { name: 'services not JSON', args: [...defaults, '--services', 'api'], field: '--services' },
  { name: 'services an object, not a list', args: [...defaults, '--services', '{"name":"api"}'], field: '--services' },
  { name: 'services empty', args: [...defaults, '--services', '[]'], field: '--services' },
  { name: 'port out of range', args: [...defaults, '--services', service({ port: 70000 })], field: '--services[0].port' },
  { name: 'port zero', args: [...defaults, '--services', service({ port: 0 })], field: '--services[0].port' },
  { name: 'port as a string', args: [...defaults, '--services', service({ port: '3000' })], field: '--services[0].port' },
  { name: 'unknown service kind', args: [...defaults, '--services', service({ kind: 'database' })], field: '--services[0].kind' },
  { name: 'unknown language', args: [...defaults, '--services', service({ language: 'ruby' })], field: '--services[0].language' },
  {
    name: 'framework of another language',
    args: [...defaults, '--services', service({ language: 'python' })],
    field: '--services[0].framework',
  },
  {
    name: 'frontend with a back-end framework',
    args: [...defaults, '--services', service({ kind: 'frontend' })],
    field: '--services[0].framework',
  },
  { name: 'health path without a slash', args: [...defaults, '--services', service({ healthPath: 'healthz' })], field: '--services[0].healthPath' },
  {
    name: 'duplicate service names',
    args: [...defaults, '--services', JSON.stringify([...JSON.parse(service({})), ...JSON.parse(service({ port: 4000 }))])],
    field: '--services',
  },
  { name: 'service path outside the repo', args: [...defaults, '--services', service({ path: '../outside' })], field: '--services[0].path' },
  { name: 'service path that does not exist', args: [...defaults, '--services', service({ path: 'missing' })], field: 'services[0].path' },
  { name: 'unknown service field', args: [...defaults, '--services', service({ replicas: 3 })], field: '--services[0].replicas' },
  {
    name: 'service without a port',
    args: [...defaults, '--services', JSON.stringify([{ name: 'api', path: 'api', kind: 'backend', language: 'node' }])],
    field: '--services[0].port',
  },
  { name: 'unknown command', args: [...defaults, '--services', service({ commands: { deploy: 'make' } })], field: '--services[0].commands.deploy' },
  { name: 'answers file not YAML', args: [...defaults, '--answers', 'answers.yml'], field: '--answers', files: { 'answers.yml': 'ci: [github\n' } },
  { name: 'answers file not JSON', args: [...defaults, '--answers', 'answers.json'], field: '--answers', files: { 'answers.json': '{"ci": ' } },
  { name: 'answers file is a list', args: [...defaults, '--answers', 'answers.yml'], field: '--answers', files: { 'answers.yml': '- ci\n' } },
  { name: 'answers file unknown key', args: [...defaults, '--answers', 'answers.yml'], field: 'ci_platform', files: { 'answers.yml': 'ci_platform: jenkins\n' } },
  { name: 'answers file wrong type', args: [...defaults, '--answers', 'answers.yml'], field: 'answers.yml: ci', files: { 'answers.yml': 'ci: 5\n' } },
  { name: 'answers file duplicate key', args: [...defaults, '--answers', 'answers.yml'], field: '--answers', files: { 'answers.yml': 'ci: jenkins\nci: circleci\n' } },
  {
    name: 'answers file environments as a string',
    args: [...defaults, '--answers', 'answers.yml'],
    field: 'answers.yml: environments',
    files: { 'answers.yml': 'environments: staging\n' },
  },
  { name: 'answers file missing', args: [...defaults, '--answers', 'nope.yml'], field: '--answers' },
  { name: 'invalid stored answer', args: defaults, field: '.yo-rc.json: ci', files: { '.yo-rc.json': '{"generator-phase4": {"ci": "travis"}}\n' } },
  { name: 'missing answers without --defaults', args: [], field: 'missing answers for' },
  { name: 'unknown flag', args: [...defaults, '--cii', 'jenkins'], field: '--cii' },
  { name: 'flag without a value', args: ['--defaults', '--ci'], field: '--ci' },
  { name: 'unknown generator', args: ['dockerz', ...defaults], field: 'generator' },
  { name: 'target folder missing', args: [...defaults, '-C', 'does-not-exist'], field: 'target folder' },
  { name: 'target folder is a file', args: [...defaults, '-C', 'api/index.js'], field: 'target folder' },
  { name: 'a file where a folder must go', args: defaults, field: 'docs/', files: { docs: 'not a folder\n' } },
  { name: 'a folder where a file must go', args: defaults, field: 'docs/phase4.md', files: { 'docs/phase4.md/keep': '' } },
  { name: 'no services in an empty repo', args: [...defaults, '-C', 'empty'], field: 'services: no services were detected' },
  // A front end built into another service's image.
  { name: 'servedBy names no service', args: [...defaults, '--services', served({ servedBy: 'backend' })], field: '--services[1].servedBy' },
  { name: 'servedBy without builtInto', args: [...defaults, '--services', served({ builtInto: undefined })], field: '--services[1].builtInto' },
  { name: 'builtInto without servedBy', args: [...defaults, '--services', served({ servedBy: undefined })], field: '--services[1].servedBy' },
  { name: 'servedBy on a back end', args: [...defaults, '--services', served({ kind: 'backend', framework: 'express', port: 4000 })], field: '--services[1].servedBy' },
  { name: 'servedBy with a port of its own', args: [...defaults, '--services', served({ port: 8080 })], field: '--services[1].port' },
  { name: 'servedBy itself', args: [...defaults, '--services', served({ servedBy: 'web' })], field: '--services[1].servedBy' },
  { name: 'builtInto outside the serving image', args: [...defaults, '--services', served({ builtInto: 'public' })], field: '--services[1].builtInto' },
  { name: 'front end outside the serving image', args: [...defaults, '--services', served({ path: 'web' })], field: '--services[1].servedBy' },
];

/** A minimal valid repository: one Express service in api/. */
const prepare = (files: Record<string, string> = {}) => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'api'));
  mkdirSync(path.join(dir, 'empty'));
  writeFileSync(
    path.join(dir, 'api', 'package.json'),
    JSON.stringify({ name: 'api', scripts: { start: 'node index.js' }, dependencies: { express: '^4.21.0' } }),
  );
  writeFileSync(path.join(dir, 'api', 'index.js'), 'app.listen(process.env.PORT || 3000);\n');
  return writeTree(dir, files);
};

describe('bad input: exit 2, the field named, nothing written', { concurrency: 4 }, () => {
  test('the corpus has at least 30 cases', () => assert.ok(cases.length >= 30, String(cases.length)));

  for (const badCase of cases) {
    test(badCase.name, () => {
      const dir = prepare(badCase.files);
      const before = snapshot(dir);
      const result = runCli(badCase.args, dir);
      assert.equal(result.status, 2, `exit code\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
      assert.ok(result.stderr.includes(badCase.field), `stderr names ${badCase.field}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, `a one-line error: ${result.stderr}`);
      assert.deepEqual(snapshot(dir), before, 'the target folder is unchanged');
    });
  }
});

/**
 * GitLab CI/CD: jobs are top-level keys named by canonical id; `extends` and `!reference [job, key]` are
 * expanded as GitLab does (hashes merged deeply, everything else replaced); `needs` is the order; a manual job
 * in the protected production environment is the gate; `id_tokens` is the OIDC identity.
 */
import { isSeq, parseDocument, visit } from 'yaml';
import type { NormalJob, Normaliser } from './types.js';

const pipelineFile = '.gitlab-ci.yml';

/** Top-level keys that are not jobs. */
export const gitlabGlobals = new Set(['stages', 'variables', 'include', 'workflow', 'default', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);

type Value = unknown;
type Hash = Record<string, Value>;

const isHash = (value: Value): value is Hash => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The pipeline as plain data, each `!reference [a, b]` as `{ $reference: ['a', 'b'] }`. */
export const parseGitlab = (text: string): Hash => {
  const document = parseDocument(text, {
    merge: true,
    customTags: [{ tag: '!reference', collection: 'seq', default: false, resolve: (value: unknown) => value } as never],
  });
  if (document.errors.length > 0) throw new Error(`${pipelineFile}: ${document.errors.map((error) => error.message).join('; ')}`);
  visit(document, {
    Seq: (_key, node) => (node.tag === '!reference' ? document.createNode({ $reference: node.toJSON() }) : undefined),
  });
  const data = document.toJS() as Value;
  if (!isHash(data)) throw new Error(`${pipelineFile} is not a mapping`);
  return data;
};

const deepMerge = (base: Value, over: Value): Value => {
  if (!isHash(base) || !isHash(over)) return over;
  const merged: Hash = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = key in base ? deepMerge(base[key], value) : value;
  return merged;
};

/** A job with its `extends` chain merged in (the job's own keys win), not yet with references expanded. */
const extended = (pipeline: Hash, name: string, seen: string[] = []): Hash => {
  if (seen.includes(name)) throw new Error(`extends loop: ${[...seen, name].join(' -> ')}`);
  const job = pipeline[name];
  if (!isHash(job)) throw new Error(`${name} is not a job`);
  const parents = job.extends === undefined ? [] : [job.extends].flat().map(String);
  const base = parents.reduce<Value>((merged, parent) => deepMerge(merged, extended(pipeline, parent, [...seen, name])), {});
  const { extends: _extends, ...own } = job;
  return deepMerge(base, own) as Hash;
};

/** `!reference` expanded; inside lists its items are spliced in, as GitLab flattens nested script lists. */
const expand = (pipeline: Hash, value: Value, depth = 0): Value => {
  if (depth > 10) throw new Error('!reference nested more than 10 levels');
  if (isHash(value) && Array.isArray(value.$reference)) {
    const [job, ...keys] = value.$reference.map(String);
    let target: Value = extended(pipeline, job);
    for (const key of keys) target = isHash(target) ? target[key] : undefined;
    if (target === undefined) throw new Error(`!reference [${value.$reference.join(', ')}] names nothing`);
    return expand(pipeline, target, depth + 1);
  }
  if (Array.isArray(value)) return value.flatMap((item) => [expand(pipeline, item, depth)].flat(10));
  if (isHash(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expand(pipeline, item, depth)]));
  return value;
};

/** Every visible job, fully resolved. */
export const gitlabJobs = (text: string): Map<string, Hash> => {
  const pipeline = parseGitlab(text);
  const jobs = new Map<string, Hash>();
  for (const name of Object.keys(pipeline)) {
    if (gitlabGlobals.has(name) || name.startsWith('.')) continue;
    jobs.set(name, expand(pipeline, extended(pipeline, name)) as Hash);
  }
  return jobs;
};

const lines = (value: Value): string[] =>
  [value ?? []]
    .flat(10)
    .flatMap((item) => String(item).split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * A job's needs; without `needs:` it waits for every job of the stages before its own (and takes the
 * artifacts of those its `dependencies:` names, all by default).
 */
const needsOf = (job: Hash, jobs: Map<string, Hash>, stages: string[]): { job: string; artifacts: boolean }[] => {
  if (Array.isArray(job.needs)) return job.needs.map((need) => (isHash(need) ? { job: String(need.job), artifacts: need.artifacts !== false } : { job: String(need), artifacts: true }));
  const before = stages.slice(0, stages.indexOf(String(job.stage)));
  const dependencies = Array.isArray(job.dependencies) ? job.dependencies.map(String) : undefined;
  return [...jobs]
    .filter(([, other]) => before.includes(String(other.stage)))
    .map(([name]) => ({ job: name, artifacts: dependencies === undefined || dependencies.includes(name) }));
};

const isManual = (job: Hash) => job.when === 'manual' || (Array.isArray(job.rules) && job.rules.some((rule) => isHash(rule) && rule.when === 'manual'));

const writesDigests = (job: Hash | undefined) => {
  const artifacts = job?.artifacts;
  return isHash(artifacts) && Array.isArray(artifacts.paths) && artifacts.paths.some((path) => String(path).startsWith('build/ci/digests'));
};

export const gitlabCi: Normaliser = {
  files: [pipelineFile],
  oidc: true,
  read: (files, production) => {
    const jobs = gitlabJobs(files.get(pipelineFile)!);
    const stages = (parseGitlab(files.get(pipelineFile)!).stages as string[] | undefined) ?? ['build', 'test', 'deploy'];
    return {
      jobs: [...jobs].map(([id, job]): NormalJob => {
        const environment = typeof job.environment === 'string' ? job.environment : isHash(job.environment) ? String(job.environment.name) : undefined;
        const needs = needsOf(job, jobs, stages);
        return {
          id,
          after: needs.map((need) => need.job),
          environment,
          // The manual job blocks the pipeline; the protected environment's approval rule gates it.
          approval: environment === production && isManual(job) ? `manual job in the protected GitLab environment ${environment} (deployment approval)` : undefined,
          commands: [...lines(job.before_script), ...lines(job.script)],
          oidc: isHash(job.id_tokens) && Object.keys(job.id_tokens).length > 0,
          digests: needs.some((need) => need.artifacts && writesDigests(jobs.get(need.job))),
        };
      }),
    };
  },
};

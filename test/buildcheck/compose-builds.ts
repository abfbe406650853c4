/**
 * checkBuild over every image a scaffolded repository's compose.yaml builds (each distinct Dockerfile and
 * build context once), as `docker compose build` would build them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { checkBuild } from './index.js';

interface ComposeBuild {
  context?: string;
  dockerfile?: string;
}

/** Every problem, as `<dockerfile> (context <context>) line N [rule] message`; empty when every image could build. */
export const composeBuildProblems = (repo: string): { checked: string[]; problems: string[] } => {
  const file = path.join(repo, 'compose.yaml');
  if (!existsSync(file)) return { checked: [], problems: [`${repo} has no compose.yaml`] };
  const services = (parse(readFileSync(file, 'utf8')) as { services?: Record<string, { build?: ComposeBuild }> }).services ?? {};
  const seen = new Set<string>();
  const checked: string[] = [];
  const problems: string[] = [];
  for (const service of Object.values(services)) {
    if (!service.build) continue;
    const context = path.posix.normalize(service.build.context ?? '.');
    const dockerfile = path.posix.join(context, service.build.dockerfile ?? 'Dockerfile');
    const key = `${dockerfile} ${context}`;
    if (seen.has(key)) continue;
    seen.add(key);
    checked.push(dockerfile);
    for (const found of checkBuild({ repo, dockerfile, context })) {
      problems.push(`${dockerfile} (context ${context}) line ${found.line} [${found.rule}] ${found.message}`);
    }
  }
  return { checked, problems };
};

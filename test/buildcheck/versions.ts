/**
 * Version comparisons: Node and Bun ranges (semver), Python specifiers (PEP 440, with Poetry's `||`),
 * Go toolchain versions (1.27 < 1.27rc1 < 1.27.0, as Go orders them) and Java feature releases. A tag
 * that names only part of a version (node:22, python:3.12) floats over its patch releases, so it satisfies
 * a constraint only when its lowest and its highest release both do.
 */
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';

const HIGH = '999999';

/** The lowest and highest full versions a partial version (22, 3.12) can stand for. */
export const span = (version: string): [string, string] => {
  const parts = version.split('.');
  const low = [...parts, '0', '0'].slice(0, 3).join('.');
  const high = [...parts, HIGH, HIGH].slice(0, 3).join('.');
  return [low, high];
};

/** Whether every release a (possibly partial) version stands for satisfies a semver range; undefined if the range is unreadable. */
export const satisfiesSemver = (version: string, range: string): boolean | undefined => {
  if (!semver.validRange(range)) return undefined;
  return span(version).every((candidate) => semver.satisfies(candidate, range, { includePrerelease: false }));
};

/** Likewise for a PEP 440 specifier (alternatives joined with `||`). */
export const satisfiesPep440 = (version: string, specifier: string): boolean | undefined => {
  const alternatives = specifier.split('||').map((part) => part.trim());
  if (alternatives.some((part) => part !== '' && !pep440.validRange(part))) return undefined;
  return span(version).every((candidate) => alternatives.some((part) => part === '' || pep440.satisfies(candidate, part)));
};

/** Go's version order: [major, minor, patch (-2 for a bare language version, -1 for an rc), rc number]. */
const goKey = (version: string): number[] => {
  const match = version.match(/^(\d+)\.(\d+)(?:\.(\d+))?(?:rc(\d+))?$/);
  if (!match) return [0, 0, 0, 0];
  const [, major, minor, patch, rc] = match;
  if (rc !== undefined) return [Number(major), Number(minor), -1, Number(rc)];
  return [Number(major), Number(minor), patch === undefined ? -2 : Number(patch), 0];
};

/** Go version comparison: negative, zero or positive. */
export const compareGo = (a: string, b: string): number => {
  const [x, y] = [goKey(a), goKey(b)];
  for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
};

/** The lowest Go release an image tag can be (golang:1.26 may be 1.26.0). */
export const lowestGo = (tagVersion: string): string => (tagVersion.split('.').length === 1 ? `${tagVersion}.0.0` : tagVersion.split('.').length === 2 ? `${tagVersion}.0` : tagVersion);

export const sameMajor = (a: string, b: string) => a.split('.')[0] === b.split('.')[0];

/**
 * The runtime each image is built on: the newest pinned track (lib/versions/versions.json) that satisfies
 * the version the project declares. When no pinned track does, planning stops with the field named: an
 * image of another version is never picked silently.
 */
import { satisfies as satisfiesPep440 } from '@renovatebot/pep440';
import semver from 'semver';
import type { Service } from '../catalog/service.js';
import { UsageError } from '../errors.js';
import { runtimeTracks, type JavaTrack, type RuntimeName, type RuntimeTrack } from '../versions/index.js';

export interface RuntimeChoice<T extends RuntimeTrack = RuntimeTrack> {
  runtime: RuntimeName;
  /** The full version of the image (`24.19.0`, `3.14.7`, `21`). */
  version: string;
  /** What the project declares, when it declares something. */
  declared?: string;
  track: T;
}

/** Node.js release lines by codename, for `.nvmrc` values such as `lts/iron`. */
const nodeCodenames: Record<string, number> = { hydrogen: 18, iron: 20, jod: 22, krypton: 24 };

/** A declared Node.js version as a semver range: `v20.11.0` -> `^20.11.0`, `lts/iron` -> `20.x`, `>=18` stays. */
export const nodeRange = (declared: string): string | undefined => {
  const value = declared.trim().toLowerCase();
  if (['node', 'latest', 'current', 'stable', 'lts/*', 'lts'].includes(value)) return '*';
  const codename = value.match(/^lts\/([a-z]+)$/)?.[1];
  if (codename) return nodeCodenames[codename] ? `${nodeCodenames[codename]}.x` : undefined;
  const exact = value.replace(/^v/, '');
  // A bare version pins a release line, not one patch: the newest release of that line is used.
  if (/^\d+\.\d+\.\d+$/.test(exact)) return `^${exact}`;
  return semver.validRange(exact) ? exact : undefined;
};

/**
 * A declared Python version as a PEP 440 specifier: poetry's `^3.11` and `~3.11`, `.python-version`'s `3.12`,
 * runtime.txt's `python-3.12.4` (its release line at that patch or later: `~=3.12.4`).
 */
export const pythonSpecifier = (declared: string): string => {
  const value = declared.trim().replace(/^python-?/i, '');
  const caret = value.match(/^\^(\d+)\.(\d+)(?:\.\d+)?$/);
  if (caret) return `>=${caret[1]}.${caret[2]},<${Number(caret[1]) + 1}.0`;
  const tilde = value.match(/^~(\d+)\.(\d+)(?:\.\d+)?$/);
  if (tilde) return `>=${tilde[1]}.${tilde[2]},<${tilde[1]}.${Number(tilde[2]) + 1}`;
  // An exact patch pins its release line at that patch or later: the newest patch of the line is deployed.
  if (/^\d+\.\d+\.\d+$/.test(value)) return `~=${value}`;
  const bare = value.match(/^(\d+)(?:\.(\d+))?$/);
  if (bare) return bare[2] === undefined ? `==${bare[1]}.*` : `==${bare[1]}.${bare[2]}.*`;
  return value;
};

const numeric = (version: string): number[] => version.replace(/^go/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);

/** a >= b, for dotted numeric versions (`1.24.2` >= `1.24`). */
export const atLeast = (a: string, b: string): boolean => {
  const [left, right] = [numeric(a), numeric(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
};

/** The Java feature release a declaration names: `21`, `1.8` -> 8, `JavaVersion.VERSION_17` -> 17. */
export const javaRelease = (declared: string): number | undefined => {
  const value = declared.trim().replace(/^JavaVersion\.VERSION_/, '').replace(/_/g, '.');
  const legacy = value.match(/^1\.(\d+)$/);
  const release = Number.parseInt(legacy ? legacy[1] : value, 10);
  return Number.isInteger(release) ? release : undefined;
};

/** Java when the project declares none: the LTS that every maintained Spring Boot release supports. */
const defaultJava = '21';

const unsatisfied = (field: string, runtime: string, declared: string, tracks: RuntimeTrack[]) =>
  new UsageError(
    field,
    `'${declared}': no pinned ${runtime} image satisfies it (pinned: ${tracks.map((track) => track.version).join(', ')}); ` +
      `set ${field} to a version one of them satisfies, or add a track to lib/versions/versions.json`,
  );

const choose = <T extends RuntimeTrack>(
  runtime: RuntimeName,
  tracks: T[],
  declared: string | undefined,
  fits: (track: T) => boolean,
  field: string,
): RuntimeChoice<T> => {
  const track = tracks.find(fits);
  if (!track) throw unsatisfied(field, runtime, declared ?? '', tracks);
  return { runtime, version: track.version, ...(declared !== undefined ? { declared } : {}), track };
};

/** Bun pins are exact and every Bun release has an image: a project's exact pin is used as it is. */
const bunChoice = (service: Service, field: string): RuntimeChoice => {
  const [pinned] = runtimeTracks('bun');
  const declared = service.packageManagerVersion ?? service.runtimeVersion;
  if (declared === undefined) return { runtime: 'bun', version: pinned.version, track: pinned };
  if (/^\d+\.\d+\.\d+$/.test(declared)) {
    const track = { ...pinned, version: declared, tag: pinned.tag!.replace(pinned.version, declared) };
    return { runtime: 'bun', version: declared, declared, track };
  }
  const range = semver.validRange(declared);
  if (!range || !semver.satisfies(pinned.version, range)) throw unsatisfied(field, 'bun', declared, [pinned]);
  return { runtime: 'bun', version: pinned.version, declared, track: pinned };
};

/** The runtime of one service's image; `field` names the answer to fix when none fits. */
export const resolveRuntime = (service: Service, field: string): RuntimeChoice => {
  const declared = service.runtimeVersion;
  switch (service.language) {
    case 'node': {
      if (service.packageManager === 'bun') return bunChoice(service, field);
      const range = declared === undefined ? '*' : nodeRange(declared);
      if (range === undefined) throw unsatisfied(field, 'node', declared!, runtimeTracks('node'));
      return choose('node', runtimeTracks('node'), declared, (track) => semver.satisfies(track.version, range), field);
    }
    case 'static':
      return choose('node', runtimeTracks('node'), undefined, () => true, field);
    case 'python': {
      const specifier = declared === undefined ? '' : pythonSpecifier(declared);
      return choose('python', runtimeTracks('python'), declared, (track) => specifier === '' || satisfiesPep440(track.version, specifier), field);
    }
    case 'go':
      return choose('go', runtimeTracks('go'), declared, (track) => declared === undefined || atLeast(track.version, declared), field);
    case 'java': {
      const release = javaRelease(declared ?? defaultJava);
      const tracks = runtimeTracks('java') as JavaTrack[];
      return choose('java', tracks, declared, (track) => Number(track.version) === release, field);
    }
  }
};

/**
 * A stage's simulated filesystem: the ordered writes of its instructions (context copies, copies from other
 * stages or images, WORKDIR folders, RUNs), on top of the stage it starts from. A lookup answers where a
 * container path comes from: a context file or folder, a here-document, a folder, an image's unknown
 * content, or a RUN that plausibly made it; or nothing.
 */
import path from 'node:path';
import type { BuildContext, EntryKind } from './context.js';
import type { PatternMatcher } from './patterns.js';
import { type Made, madeBy, type RunRecord } from './runs.js';

export type Found =
  | { how: 'context'; kind: EntryKind; source: string }
  | { how: 'inline' }
  | { how: 'dir' }
  | { how: 'image'; image: string }
  | ({ how: 'run'; fs: StageFS } & Made);

export type Write =
  | { kind: 'context'; dest: string; source: string; entry: EntryKind; exclude?: PatternMatcher }
  | { kind: 'stage'; dest: string; from: StageFS; source: string; entry: EntryKind }
  | { kind: 'image'; dest: string; image: string; entry: EntryKind }
  | { kind: 'inline'; dest: string }
  | { kind: 'mkdir'; dest: string }
  | { kind: 'run'; run: RunRecord };

/** Folders a base image provides and that no Dockerfile instruction need create. */
const imageFolders = /^\/(usr|bin|sbin|lib|lib32|lib64|libx32|etc|var|root|home|go|nodejs|opt\/java|docker-entrypoint\.(sh|d))(\/|$)/;

const under = (target: string, folder: string) => folder === '/' || target.startsWith(`${folder}/`);
const rest = (target: string, folder: string) => (folder === '/' ? target.slice(1) : target.slice(folder.length + 1));

export class StageFS {
  readonly writes: Write[] = [];

  constructor(
    readonly name: string,
    readonly context: BuildContext,
    /** The image at the bottom of the stage chain ('scratch' for none). */
    readonly image: string,
    readonly parent?: { fs: StageFS; upto: number },
  ) {}

  /** Every RUN of this stage and the stages it starts from, up to write `upto`. */
  runs(upto = this.writes.length): RunRecord[] {
    const own = this.writes.slice(0, upto).flatMap((write) => (write.kind === 'run' ? [write.run] : []));
    return [...(this.parent ? this.parent.fs.runs(this.parent.upto) : []), ...own];
  }

  /** The context folders copied into this stage (and the stages below it), as context paths. */
  contextFolders(upto = this.writes.length): string[] {
    const own = this.writes.slice(0, upto).flatMap((write) => (write.kind === 'context' && write.entry === 'dir' ? [write.source] : []));
    return [...(this.parent ? this.parent.fs.contextFolders(this.parent.upto) : []), ...own];
  }

  /**
   * The best answer for a path: a concrete one (newest first, through copies from other stages) before a
   * RUN that names the path exactly, before a RUN that writes a folder above it.
   */
  lookup(target: string, upto = this.writes.length): Found | undefined {
    const clean = path.posix.normalize(target).replace(/(.)\/$/, '$1');
    if (clean === '/') return { how: 'dir' };
    const { concrete, plausible } = this.resolve(clean, upto);
    if (concrete) return concrete;
    const made = plausible.find((found) => found.how === 'run' && found.exact) ?? plausible[0];
    if (made) return made;
    if (this.image !== 'scratch' && imageFolders.test(clean)) return { how: 'image', image: this.image };
    return undefined;
  }

  private resolve(target: string, upto: number): { concrete?: Found; plausible: Found[] } {
    const plausible: Found[] = [];
    for (let i = upto - 1; i >= 0; i -= 1) {
      const write = this.writes[i];
      if (write.kind === 'run') {
        const made = madeBy([write.run], target);
        if (made) plausible.push({ how: 'run', fs: this, ...made });
        continue;
      }
      const found = this.fromWrite(write, target);
      if (found && found.how !== 'run') return { concrete: found, plausible };
      if (found) plausible.push(found);
    }
    if (!this.parent) return { plausible };
    const below = this.parent.fs.resolve(target, this.parent.upto);
    return { concrete: below.concrete, plausible: [...plausible, ...below.plausible] };
  }

  private fromWrite(write: Write, target: string): Found | undefined {
    if (write.kind === 'run') return undefined;
    if (under(write.dest, target)) return { how: 'dir' };
    if (write.kind === 'mkdir') return target === write.dest ? { how: 'dir' } : undefined;
    if (write.kind === 'inline') return target === write.dest ? { how: 'inline' } : undefined;
    const inside = write.entry === 'dir' && under(target, write.dest);
    if (target !== write.dest && !inside) return undefined;
    const below = target === write.dest ? '' : rest(target, write.dest);
    if (write.kind === 'image') return { how: 'image', image: write.image };
    if (write.kind === 'stage') return write.from.lookup(below ? path.posix.join(write.source, below) : write.source);
    if (below && write.exclude?.matchesOrParentMatches(below)) return undefined;
    const source = below ? path.posix.join(write.source, below) : write.source;
    const kind = this.context.entry(source);
    return kind ? { how: 'context', kind, source } : undefined;
  }
}

/**
 * For a path below a folder a RUN wrote: the context file at the same place below a context folder that
 * stage copied in, which such a RUN (find/cp of manifests) would have copied. Undefined when none exists.
 */
export const mirroredContextFile = (found: Extract<Found, { how: 'run' }>, target: string): string | undefined => {
  if (found.exact) return undefined;
  const below = rest(target, found.base);
  for (const folder of found.fs.contextFolders()) {
    const source = path.posix.join(folder, below);
    if (found.fs.context.entry(source) === 'file') return source;
  }
  return undefined;
};

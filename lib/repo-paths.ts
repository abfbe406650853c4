/** Repository-relative paths: forward slashes, `.` for the repository root. */
import path from 'node:path';

/** True when `repositoryPath` is `folder` itself or lies inside it (everything lies inside `.`). */
export const isWithin = (repositoryPath: string, folder: string): boolean =>
  folder === '.' || repositoryPath === folder || repositoryPath.startsWith(`${folder}/`);

/** `to` as seen from the folder `from` (`.` when they are the same; `../x` when `to` lies outside). */
export const relativePath = (from: string, to: string): string => path.posix.relative(from === '.' ? '' : from, to === '.' ? '' : to) || '.';

/** `file` of the folder `folder`, as a repository path. */
export const joinPath = (folder: string, file: string): string => (folder === '.' ? file : `${folder}/${file}`);

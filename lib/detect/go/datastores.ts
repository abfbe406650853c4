/** Datastores a Go program talks to, from the driver and client packages its files import. */
import type { DatastoreEngine } from '../../catalog/service.js';
import { evidence } from '../evidence.js';
import type { Evidence } from '../types.js';
import type { GoSource } from './module.js';

const drivers: [DatastoreEngine | 'sqlite', RegExp][] = [
  ['postgres', /^(github\.com\/lib\/pq|github\.com\/jackc\/pgx(\/v\d+)?(\/.*)?|gorm\.io\/driver\/postgres|github\.com\/jinzhu\/gorm\/dialects\/postgres|github\.com\/go-pg\/pg(\/v\d+)?|github\.com\/uptrace\/bun\/driver\/pgdriver|github\.com\/uptrace\/bun\/dialect\/pgdialect)$/],
  ['mysql', /^(github\.com\/go-sql-driver\/mysql|gorm\.io\/driver\/mysql|github\.com\/jinzhu\/gorm\/dialects\/mysql|github\.com\/uptrace\/bun\/dialect\/mysqldialect)$/],
  ['mongodb', /^(go\.mongodb\.org\/mongo-driver(\/v\d+)?\/mongo|gopkg\.in\/mgo\.v2|github\.com\/globalsign\/mgo)$/],
  ['redis', /^(github\.com\/redis\/go-redis\/v\d+|github\.com\/go-redis\/redis(\/v\d+)?|github\.com\/gomodule\/redigo\/redis|github\.com\/garyburd\/redigo\/redis|github\.com\/redis\/rueidis|github\.com\/hibiken\/asynq)$/],
  ['sqlite', /^(github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite|gorm\.io\/driver\/sqlite|github\.com\/glebarez\/sqlite|github\.com\/glebarez\/go-sqlite|github\.com\/jinzhu\/gorm\/dialects\/sqlite|github\.com\/ncruces\/go-sqlite3(\/.*)?)$/],
];

export interface GoDatastores {
  uses: Map<DatastoreEngine, Evidence>;
  sqlite?: Evidence;
  /** Where cgo is needed: `import "C"` or the cgo SQLite driver. */
  cgo?: Evidence;
}

export const findGoDatastores = (files: readonly GoSource[]): GoDatastores => {
  const uses = new Map<DatastoreEngine, Evidence>();
  let sqlite: Evidence | undefined;
  let cgo: Evidence | undefined;
  for (const source of files) {
    for (const imported of source.imports) {
      const where = () => evidence(source.file, `imports ${imported.path}`, source.text, imported.offset);
      if (!cgo && (imported.path === 'C' || imported.path === 'github.com/mattn/go-sqlite3')) cgo = where();
      const engine = drivers.find(([, pattern]) => pattern.test(imported.path))?.[0];
      if (!engine) continue;
      if (engine === 'sqlite') sqlite ??= where();
      else if (!uses.has(engine)) uses.set(engine, where());
    }
  }
  return { uses, ...(sqlite ? { sqlite } : {}), ...(cgo ? { cgo } : {}) };
};

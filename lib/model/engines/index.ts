/** The engine modules by name. A new engine is one module here and one entry in datastoreEngines. */
import type { DatastoreEngine } from '../../catalog/service.js';
import { mongodb } from './mongodb.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import type { EngineModule } from './types.js';

export const engines: Record<DatastoreEngine, EngineModule> = { postgres, mysql, mongodb, redis };

export type { ConnectionPart, EngineModule } from './types.js';

/**
 * One datastore engine (PostgreSQL, MySQL, MongoDB, Redis): every fact about it that more than one area
 * needs, in one module: how clients connect, how it runs locally, how it is checked, backed up and
 * scraped, and what each cloud manages it as.
 */
import type { DatastoreEngine } from '../../catalog/service.js';

/** The parts of a connection an application may read as separate settings. */
export type ConnectionPart = 'url' | 'host' | 'port' | 'address' | 'user' | 'password' | 'database';

export interface ManagedService {
  /** The cloud's product, for docs: `Amazon RDS for PostgreSQL`. */
  product: string;
  /** The Terraform resource that creates it. */
  resource: string;
}

export interface EngineModule {
  engine: DatastoreEngine;
  label: string;
  role: 'database' | 'cache';
  port: number;
  /** URL scheme clients use: `postgresql`, `mysql`, `mongodb`, `redis`. */
  scheme: string;
  /**
   * Setting names that read one part of a connection to this engine, most specific first. A name that
   * fits none is not wired to the engine.
   */
  clientSettings: Record<ConnectionPart, RegExp>;
  /** What a service that declares no settings of its own gets (the conventional names). */
  conventionalSettings: Partial<Record<ConnectionPart, string>>;
  /** Whether a user name belongs to its connections (Redis uses a password only). */
  hasUser: boolean;
  /** Whether connections name a database (Redis uses numbered databases in the URL path). */
  hasDatabase: boolean;
  /** The local container (compose) and the test database of CI, from the engine's official image. */
  local: {
    image: string;
    /** The volume mount that holds its data. */
    dataDir: string;
    memory: string;
    /**
     * The official image's own initialisation variables: the database and user it creates, and the
     * variable that reads the password from a file (`*_FILE`). Redis has none of them.
     */
    imageEnv: { database?: string; user?: string; passwordFile?: string; password?: string; rootPasswordFile?: string };
  };
  /** Checks that the server answers, run inside its own container. */
  healthcheck: string[];
  backup: {
    tool: string;
    /** What the dump contains and how it is restored, for the runbooks. */
    description: string;
  };
  /** Prometheus exporter for the monitoring area. */
  exporter: { name: string; image: string; port: number };
  managed: { aws: ManagedService; gcp: ManagedService; azure: ManagedService };
}

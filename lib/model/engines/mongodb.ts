import { imageRef } from '../../versions/index.js';
import { databaseConventions, databaseSettings, either, engineSettings } from './names.js';
import type { EngineModule } from './types.js';

export const mongodb: EngineModule = {
  engine: 'mongodb',
  label: 'MongoDB',
  role: 'database',
  port: 27017,
  scheme: 'mongodb',
  clientSettings: either(engineSettings(['MONGO', 'MONGODB']), databaseSettings),
  conventionalSettings: databaseConventions,
  hasUser: true,
  hasDatabase: true,
  local: {
    image: imageRef('mongodb'),
    dataDir: '/data/db',
    memory: '1G',
    // The image creates one user, a root user in the admin database: connections add ?authSource=admin.
    imageEnv: { database: 'MONGO_INITDB_DATABASE', user: 'MONGO_INITDB_ROOT_USERNAME', passwordFile: 'MONGO_INITDB_ROOT_PASSWORD_FILE', password: 'MONGO_INITDB_ROOT_PASSWORD' },
  },
  // `ping` needs no authentication.
  healthcheck: ['mongosh', '--quiet', '--norc', '--eval', 'quit(db.adminCommand({ ping: 1 }).ok ? 0 : 1)'],
  backup: {
    tool: 'mongodump',
    description: 'mongodump --archive --gzip of the database, restored with mongorestore --drop',
  },
  exporter: { name: 'mongodb_exporter', image: imageRef('mongodb-exporter'), port: 9216 },
  managed: {
    aws: { product: 'Amazon DocumentDB (MongoDB-compatible)', resource: 'aws_docdb_cluster' },
    gcp: { product: 'MongoDB Atlas on Google Cloud (no first-party MongoDB service)', resource: 'mongodbatlas_advanced_cluster' },
    azure: { product: 'Azure Cosmos DB for MongoDB', resource: 'azurerm_cosmosdb_account' },
  },
};

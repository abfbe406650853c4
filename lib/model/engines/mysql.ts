import { imageRef } from '../../versions/index.js';
import { databaseConventions, databaseSettings, either, engineSettings } from './names.js';
import type { EngineModule } from './types.js';

export const mysql: EngineModule = {
  engine: 'mysql',
  label: 'MySQL',
  role: 'database',
  port: 3306,
  scheme: 'mysql',
  clientSettings: either(engineSettings(['MYSQL', 'MARIADB']), databaseSettings),
  conventionalSettings: databaseConventions,
  hasUser: true,
  hasDatabase: true,
  local: {
    image: imageRef('mysql'),
    dataDir: '/var/lib/mysql',
    memory: '1G',
    imageEnv: {
      database: 'MYSQL_DATABASE',
      user: 'MYSQL_USER',
      password: 'MYSQL_PASSWORD',
      passwordFile: 'MYSQL_PASSWORD_FILE',
      rootPasswordFile: 'MYSQL_ROOT_PASSWORD_FILE',
    },
  },
  // `mysqladmin ping` exits 0 whenever the server answers, even "access denied", so it needs no password;
  // TCP skips the socket-only server of first-start initialisation.
  healthcheck: ['mysqladmin', 'ping', '--host', '127.0.0.1', '--silent'],
  backup: {
    tool: 'mysqldump',
    description: 'mysqldump --single-transaction --routines --triggers of the database, restored with mysql',
  },
  exporter: { name: 'mysqld_exporter', image: imageRef('mysqld-exporter'), port: 9104 },
  managed: {
    aws: { product: 'Amazon RDS for MySQL', resource: 'aws_db_instance' },
    gcp: { product: 'Cloud SQL for MySQL', resource: 'google_sql_database_instance' },
    azure: { product: 'Azure Database for MySQL flexible server', resource: 'azurerm_mysql_flexible_server' },
  },
};

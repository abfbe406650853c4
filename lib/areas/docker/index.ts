/**
 * docker: per service, a multi-stage Dockerfile (dependencies, build, a `test` target, a minimal non-root
 * runtime), its .dockerignore, and what the image needs beside them (nginx configuration for front ends,
 * a health probe program for distroless and JRE images).
 */
import type { Service } from '../../catalog/service.js';
import { dockerfilePath } from '../../plan/naming.js';
import type { Area, Config, PlannedFile } from '../../plan/types.js';
import { familyOf, planServiceFiles } from './service-files.js';
import { pythonServer } from './python.js';

const nextSteps = (config: Config): string[] =>
  config.services.flatMap((service: Service) => {
    if (familyOf(service) === 'frontend') {
      return [
        `${service.name}: to read API_URL at run time, load <script src="/config.js"></script> before the application in index.html and use window.__APP_CONFIG__.apiUrl`,
      ];
    }
    if (service.language === 'python') {
      const command = pythonServer(service).command.join(' ');
      return [`${service.name}: the image starts \`${command}\`; change CMD in ${dockerfilePath(service)} if the application lives elsewhere`];
    }
    return [];
  });

export const dockerArea: Area = {
  name: 'docker',
  description: 'Multi-stage, non-root Dockerfiles with a test target, .dockerignore files and the nginx configuration of front ends',
  plan: (config: Config): PlannedFile[] => config.services.flatMap((service: Service) => planServiceFiles(config, service)),
  nextSteps,
};

export { buildSecrets, runtimeUsers } from './common.js';

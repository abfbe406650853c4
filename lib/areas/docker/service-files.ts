/** Which files one service gets, and which template renders each. */
import type { Service } from '../../catalog/service.js';
import { dockerfilePath, dockerignorePath } from '../../plan/naming.js';
import type { Config, PlannedFile } from '../../plan/types.js';
import { areaName } from './common.js';
import { planFrontend } from './frontend.js';
import { planGoService } from './go.js';
import { planIgnore } from './ignore.js';
import { planJavaService } from './java.js';
import { planNodeService } from './node.js';
import { planPythonService } from './python.js';

type Family = 'node' | 'python' | 'go' | 'java' | 'frontend';

/** Front ends built with Node or served as they are go to nginx; everything else by language. */
export const familyOf = (service: Service): Family => {
  if (service.language === 'static' || (service.kind === 'frontend' && service.language === 'node')) return 'frontend';
  return service.language;
};

const file = (path: string, template: string, data: Record<string, unknown>): PlannedFile => ({
  path,
  template: `docker/${template}`,
  data,
  ownership: 'managed',
  area: areaName,
});

export const planServiceFiles = (config: Config, service: Service): PlannedFile[] => {
  const family = familyOf(service);
  const dockerfile = (data: Record<string, unknown>) => file(dockerfilePath(service), `${family}.Dockerfile.ejs`, data);
  const ignore = file(dockerignorePath(service), 'dockerignore.ejs', planIgnore(service));
  switch (family) {
    case 'node':
      return [dockerfile(planNodeService(config, service)), ignore];
    case 'go':
    case 'java': {
      const planned = family === 'go' ? planGoService(config, service) : planJavaService(config, service);
      return [
        dockerfile(planned.dockerfile),
        ignore,
        ...planned.probeFiles.map((probe) => file(probe.path, probe.template, probe.data)),
      ];
    }
    case 'python':
      return [dockerfile(planPythonService(config, service)), ignore];
    case 'frontend': {
      const frontend = planFrontend(config, service);
      return [
        dockerfile(frontend.dockerfile),
        ignore,
        ...frontend.nginxFiles.map((nginx) => file(nginx.path, nginx.template, nginx.data)),
      ];
    }
  }
};

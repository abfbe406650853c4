/** Go images: module downloads cached, a static binary cross-compiled on the build platform, distroless runtime. */
import type { Service } from '../../catalog/service.js';
import type { Config } from '../../plan/types.js';
import { imageRef } from '../../versions/index.js';
import { buildSecrets, cacheMount, commonData, execForm, healthCheck, healthUrl, runtimeUsers, secretMount, servesHttp } from './common.js';
import { planGoProbe } from './probe.js';

export const planGoService = (config: Config, service: Service) => {
  const probe = servesHttp(service) ? planGoProbe(service) : undefined;
  const framework = service.kind === 'worker' ? 'worker' : service.framework;
  return {
    dockerfile: {
      ...commonData(config, service, `Go ${service.kind} (${framework}), a static binary on distroless`),
      image: imageRef('golang'),
      runtimeImage: imageRef('distroless-static'),
      secrets: [buildSecrets.netrc],
      moduleCache: cacheMount('/go/pkg/mod'),
      buildCache: cacheMount('/root/.cache/go-build'),
      secretMount: secretMount(buildSecrets.netrc),
      test: service.commands.test ?? 'go test ./...',
      probeFolder: probe?.folderInContext,
      user: runtimeUsers.distroless,
      env: servesHttp(service) ? [`PORT=${service.port}`] : [],
      healthCheck: probe
        ? healthCheck(
            ['/app/healthcheck', healthUrl(service)],
            'distroless has no shell, curl or wget: the probe built above from docker/healthcheck checks the health path.',
            '10s',
          )
        : undefined,
      cmd: execForm(['/app/server']),
    },
    probeFiles: probe?.files ?? [],
  };
};

/** The opening comments of compose.yaml, compose.override.yaml and .env.example, which depend on what the project has. */
import type { StackModel } from '../../model/index.js';
import type { Override } from './override.js';
import type { ComposeStack } from './stack.js';
import { andList, wrap } from './text.js';

/** What the override adds, in words: "debug ports, the data stores on 127.0.0.1 and live reload rules for ...". */
export const extrasOf = (override: Override): string =>
  andList(
    [
      override.debugPorts.length > 0 ? 'debug ports' : '',
      override.hasDataPorts ? 'the data stores on 127.0.0.1' : '',
      override.liveReload.length > 0 ? 'live reload rules for `docker compose watch`' : '',
    ].filter(Boolean),
  );

export const headers = (model: StackModel, stack: ComposeStack, override: Override) => {
  const hasOverride = override.services.length > 0;
  const hasSecrets = stack.storeSecrets.length > 0 || stack.envFiles.length > 0;
  const name = model.project.name;
  const compose = [
    ...wrap(
      `Production-like local stack of ${name}: every service is built from its own Dockerfile (its runtime image)` +
        `${stack.stores.length > 0 ? ' and the data stores run from pinned images' : ''}. ` +
        (hasOverride
          ? `Development extras (${extrasOf(override)}) live in compose.override.yaml, which \`docker compose\` merges ` +
            'automatically; `docker compose -f compose.yaml up --build` runs this file alone. '
          : '') +
        'Guide: docs/local-development.md.',
    ),
    '',
    ...wrap(
      'Settings come from .env (see .env.example)' +
        (hasSecrets
          ? '; secrets come from secrets/ (scripts/dev-secrets.sh): the data stores read their password files under ' +
            '/run/secrets, and each service its secrets/<service>.env. No secret is written in this file.'
          : '.'),
    ),
  ];
  const files = hasOverride ? 'compose.yaml and compose.override.yaml read' : 'compose.yaml reads';
  const env = [
    ...wrap(`Every setting that ${files}, with the default the compose files already use.`),
    ...wrap('To change one, copy this file to .env (keep .env out of git) and edit the copy.'),
    ...(hasSecrets ? wrap('Secrets never go here: they are files in secrets/ (run `sh scripts/dev-secrets.sh`).') : []),
  ];
  const publishes = override.services.some((service) => service.ports.length > 0);
  const syncs = override.liveReload.some(({ reload }) => reload.mode === 'sync');
  const rebuilds = override.liveReload.some(({ reload }) => reload.mode === 'rebuild');
  const watchDoes = [
    syncs ? 'copies changed sources into the services that run them as they are and restarts them' : '',
    rebuilds ? `rebuilds the image of ${syncs ? 'the others' : 'a service whose files change'}` : '',
  ]
    .filter(Boolean)
    .join(', and ');
  const overrideHeader = [
    ...wrap(
      `Development extras for ${name} (${extrasOf(override)}), merged over compose.yaml by \`docker compose\` ` +
        'automatically; `docker compose -f compose.yaml ...` leaves them out.' +
        (publishes ? ' Everything published here is bound to 127.0.0.1, so nothing is reachable from other machines.' : '') +
        (override.variables.length > 0 ? ' Ports can be changed in .env.' : ''),
    ),
    '',
    ...wrap(
      'Source folders are not bind-mounted. Instead, `docker compose watch` (or `docker compose up --watch`, ' +
        `Compose v2.22+) follows the develop.watch rules below: it ${watchDoes} (see docs/local-development.md).`,
    ),
  ];
  return { compose, env, override: overrideHeader, extras: extrasOf(override) };
};

/**
 * The settings of each service in the local stack. Plain settings come from `.env` (with the application's
 * default); datastore connection settings are wired to the local containers; secrets (passwords,
 * credentials in URLs, the application's own keys) are never written in a compose file: scripts/dev-secrets.sh
 * writes them into `secrets/<service>.env`, a git-ignored file compose hands to the container.
 */
import { connectionValue, type DatastoreModel, type ServiceModel, type SettingModel, type StackModel } from '../../model/index.js';
import type { Variable } from './ports.js';
import { envPrefix } from './text.js';

/** A value in a service's secrets file: literal text around secret files that the script reads. */
export type SecretPiece = { text: string } | { file: string };

export interface SecretLine {
  name: string;
  pieces: SecretPiece[];
  /** What it is, for the docs. */
  purpose: string;
  /** Its local value in words (the docs never spell a connection string with a password in it). */
  described: string;
}

export interface LocalSettings {
  environment: { name: string; value: string }[];
  /** Lines of `secrets/<service>.env`; empty when the service has no secret setting. */
  secrets: SecretLine[];
  /** `.env` variables the environment reads. */
  variables: Variable[];
}

/** The secret file (under secrets/, without `.txt`) of an application's own secret setting. */
export const applicationSecretFile = (setting: string): string => setting.toLowerCase();

const passwordMark = '\u0000password\u0000';

const datastoreOf = (model: StackModel, engine: string): DatastoreModel => model.datastores.find((store) => store.engine.engine === engine)!;

/** The local value of a datastore setting, with the password as a reference to its secret file. */
const datastorePieces = (model: StackModel, setting: SettingModel & { value: { kind: 'datastore' } }): SecretPiece[] => {
  const datastore = datastoreOf(model, setting.value.engine);
  const value = connectionValue(datastore, setting.value, {
    host: datastore.host,
    port: datastore.engine.port,
    user: datastore.user,
    password: passwordMark,
    database: datastore.database,
  });
  const [before, after] = value.split(passwordMark);
  if (after === undefined) return [{ text: value }];
  return [...(before ? [{ text: before }] : []), { file: datastore.secrets[0].name }, ...(after ? [{ text: after }] : [])];
};

/** `.env` variable names: the setting's own, unless services disagree on its default (then prefixed per service). */
const variableNames = (model: StackModel): Map<string, string> => {
  const defaults = new Map<string, Set<string>>();
  for (const service of model.services) {
    for (const setting of service.settings) {
      if (setting.value.kind !== 'plain') continue;
      const set = defaults.get(setting.name) ?? new Set<string>();
      set.add(setting.value.default ?? '');
      defaults.set(setting.name, set);
    }
  }
  const names = new Map<string, string>();
  for (const service of model.services) {
    for (const setting of service.settings) {
      if (setting.value.kind !== 'plain') continue;
      const shared = (defaults.get(setting.name)?.size ?? 0) <= 1;
      names.set(`${service.name}/${setting.name}`, shared ? setting.name : `${envPrefix(service.name)}_${setting.name}`);
    }
  }
  return names;
};

/** Compose interpolates `$` in values: a literal one is written `$$`. */
const composeLiteral = (value: string) => value.replace(/\$/g, '$$$$');

export const localSettingsOf = (model: StackModel) => {
  const names = variableNames(model);
  return (service: ServiceModel): LocalSettings => {
    const environment: LocalSettings['environment'] = service.environment.map(({ name, value }) => ({ name, value: composeLiteral(value) }));
    const secrets: SecretLine[] = [];
    const variables: Variable[] = [];
    for (const setting of service.settings) {
      const value = setting.value;
      if (value.kind === 'datastore') {
        const pieces = datastorePieces(model, { ...setting, value });
        const datastore = datastoreOf(model, value.engine);
        const label = datastore.engine.label;
        const where = `${datastore.host}:${datastore.engine.port}${datastore.database ? `/${datastore.database}` : ''}${datastore.user ? ` as ${datastore.user}` : ''}`;
        const described =
          value.part === 'password' ? `the password in secrets/${datastore.secrets[0].name}.txt` : `${label} ${value.part} of ${where}, with the password in secrets/${datastore.secrets[0].name}.txt`;
        if (pieces.some((piece) => 'file' in piece)) secrets.push({ name: setting.name, pieces, purpose: `${label} ${value.part}`, described });
        else environment.push({ name: setting.name, value: composeLiteral(pieces.map((piece) => ('text' in piece ? piece.text : '')).join('')) });
      } else if (value.kind === 'secret') {
        const file = applicationSecretFile(setting.name);
        secrets.push({ name: setting.name, pieces: [{ file }], purpose: `${service.name}'s own secret`, described: `random, in secrets/${file}.txt` });
      } else {
        const variable = names.get(`${service.name}/${setting.name}`)!;
        const fallback = value.default ?? '';
        environment.push({ name: setting.name, value: `\${${variable}:-${composeLiteral(fallback)}}` });
        if (!variables.some((candidate) => candidate.name === variable)) {
          variables.push({
            name: variable,
            default: fallback,
            description:
              value.default === undefined
                ? `${setting.name} of ${service.name}: it has no default in the application; set it if ${service.name} needs it.`
                : `${setting.name} of ${service.name} (the application's default).`,
          });
        }
      }
    }
    return { environment, secrets, variables };
  };
};

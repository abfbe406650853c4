/**
 * Stable ids of the Kibana objects. Rules and connectors are saved objects with encrypted attributes, for which
 * Kibana accepts a chosen id only when it is a UUID: each id is a name-based (version 5 style) UUID of the
 * project and the object's name, so re-running apply.sh updates the same objects instead of adding new ones.
 */
import { createHash } from 'node:crypto';

export const stableUuid = (name: string): string => {
  const hex = createHash('sha1').update(`phase4/elk/${name}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
};

/** A readable id Kibana's SLO API accepts (lower case letters, digits, `-`, `_`; 8 to 36 characters). */
export const sloId = (project: string, service: string, kind: string): string => {
  const readable = `${project}-${service}-${kind}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  if (readable.length <= 36) return readable.padEnd(8, '-');
  const hash = createHash('sha1').update(readable).digest('hex').slice(0, 8);
  return `${readable.slice(0, 27)}-${hash}`;
};

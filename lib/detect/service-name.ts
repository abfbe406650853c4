import { dnsLabel } from '../catalog/service.js';

/** A DNS-1123 label from a package name or folder name: `@acme/Web_App` -> `web-app`. */
export const toServiceName = (raw: string): string => {
  const base = raw.replace(/^@[^/]+\//, '').split(/[/\\]/).pop() ?? raw;
  const label = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
  return dnsLabel.test(label) ? label : 'app';
};

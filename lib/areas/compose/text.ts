/** Text helpers of the compose area. */
export { andList, orList, wrap } from '../../render/text.js';

/** `api-v2` -> `API_V2`: service names are DNS labels, so this is unique per service. */
export const envPrefix = (name: string): string => name.toUpperCase().replace(/-/g, '_');

/** Compose interpolates `$NAME` everywhere in its files; `$$` hands the container a literal `$` (for its shell). */
export const literalDollars = (text: string): string => text.replace(/\$/g, '$$$$');

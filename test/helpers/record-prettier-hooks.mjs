// Module resolution hooks for record-prettier.mjs (they run on Node's loader thread).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  if (/(^|\/)prettier(\/|$)/.test(specifier) && process.env.PHASE4_PRETTIER_LOG) {
    appendFileSync(process.env.PHASE4_PRETTIER_LOG, `${specifier}\n`);
  }
  return next(specifier, context);
}

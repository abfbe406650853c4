// Preloaded into a CLI process by tests (`node --import`): appends to the file named by
// PHASE4_PRETTIER_LOG every module specifier naming prettier that the process resolves, so a test can
// tell whether a run loaded prettier at all.
import { register } from 'node:module';

register('./record-prettier-hooks.mjs', import.meta.url);

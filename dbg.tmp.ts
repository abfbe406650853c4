import { readObjects } from './test/validation/validators/kubernetes.js';
import { writeFileSync, mkdirSync } from 'node:fs';
mkdirSync('/tmp/dbg', { recursive: true });
const objs = readObjects(process.argv[2]);
writeFileSync('/tmp/dbg/a.yaml', objs.map((o) => JSON.stringify(o)).join('\n---\n'));

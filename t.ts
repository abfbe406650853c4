import { detect } from './lib/detect/index.ts';
const d = detect(process.argv[2]);
console.log(JSON.stringify({ services: d.services.map(({ evidence, ...s }) => s), notServices: d.notServices, notes: d.notes, project: { projectName: d.projectName, database: d.database, cache: d.cache, ci: d.ci } }, null, 1));
if (process.argv[3]) for (const s of d.services) console.log(s.name, JSON.stringify(s.evidence, null, 0));

/**
 * Every area phase4 can generate, in the order `phase4` (the app generator) runs them. Each area is also a
 * subgenerator (`phase4 <area>`). Areas that read the others' files (ci, docs) come after the areas they read. A new area is one entry here, one planner and its templates.
 */
import { ciArea } from './ci/index.js';
import { composeArea } from './compose/index.js';
import { dockerArea } from './docker/index.js';
import { docsArea } from './docs.js';
import { helmArea } from './helm/index.js';
import { kubernetesArea } from './kubernetes/index.js';
import { monitoringArea } from './monitoring/index.js';
import { terraformArea } from './terraform/index.js';
import type { Area } from '../plan/types.js';

export const areas: readonly Area[] = [dockerArea, composeArea, kubernetesArea, helmArea, terraformArea, monitoringArea, ciArea, docsArea];

export const areaNames = areas.map((area) => area.name);

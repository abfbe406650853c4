/** The stack model: derived once from the answers, read by every area (see types.ts). */
export { derive } from './derive.js';
export { usesBuildWrapper } from './images.js';
export { connectionValue, type Endpoint } from './connection.js';
export { engines } from './engines/index.js';
export type * from './types.js';
export { apiProxyOf, apiUpstreamOff, apiUpstreamVariable } from './api-proxy.js';

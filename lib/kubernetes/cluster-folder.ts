/** What a cluster administrator applies once, before the first deploy (cluster.ts writes it). */
export const clusterFolder = 'deploy/cluster';

/**
 * The trivy config findings phase4's Kubernetes output accepts, each with the reason. One list for every style
 * (Helm chart renders, Kustomize overlays): anything not here fails the tests.
 */
export interface K8sException {
  id: string;
  reason: string;
  /** True for a finding (as trivy-config.ts prints it) this exception covers. */
  covers: (problem: string) => boolean;
}

export const k8sExceptions: K8sException[] = [
  {
    id: 'KSV-0125',
    reason:
      "trivy's default trusted registries are only ECR, ACR and GCR. phase4 runs the images of the registry the user " +
      'chose (ghcr.io, Artifact Registry, any other) and the pinned public tools (curl for health checks, from Docker Hub); ' +
      "which registries a cluster admits is its admission policy's decision. The tests check every image reference instead.",
    covers: (problem) => /\[KSV-0125 [A-Z]+\] Restrict container images to trusted registries:/.test(problem),
  },
  {
    id: 'KSV-0020, KSV-0021',
    reason:
      'Static front ends run nginx-unprivileged as its own user and group 101, which own the files it writes (the same ' +
      'user as in the Dockerfile and compose). It is not root, has no capabilities and a read-only root filesystem; ' +
      'every other workload runs as 10001 or 65532. The tests check each UID against the stack model instead.',
    covers: (problem) => /\[KSV-002[01] LOW\] Runs with [UG]ID <= 10000:/.test(problem),
  },
];

/** The findings no exception covers. */
export const unexcused = (problems: string[]): string[] => problems.filter((problem) => !k8sExceptions.some((exception) => exception.covers(problem)));

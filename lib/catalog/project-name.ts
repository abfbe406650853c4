/**
 * How long the project name may be. Every area builds names from it, and the tightest limits are Kubernetes':
 * namespaces `<name>-<environment>` and label values in 63 characters, the Helm release (the project name) in 53.
 * 40 leaves each environment 22 characters of namespace; the cloud names with shorter limits are shortened by the
 * Terraform area itself (environmentResourceName).
 */
export const projectNameLimit = 40;

/** Kubernetes' limit on a namespace, a DNS-1123 label. */
const namespaceLimit = 63;

export const projectNameHint = `lowercase letters, digits and "-", starting with a letter, at most ${projectNameLimit} characters (namespaces, the Helm release and cloud resource names are built from it)`;

/**
 * A name read from a folder or a package (already a DNS-1123 label) cut to the limit, at the last "-" when one
 * leaves at least half of it, so `acme-enterprise-commerce-platform-for-retail-partners` becomes
 * `acme-enterprise-commerce-platform-for`, not a word cut in two.
 */
export const fitProjectName = (label: string): string => {
  if (label.length <= projectNameLimit) return label;
  const cut = label.slice(0, projectNameLimit);
  const boundary = cut.lastIndexOf('-');
  return (boundary >= projectNameLimit / 2 ? cut.slice(0, boundary) : cut).replace(/-+$/, '');
};

/** Why the project name and an environment make too long a namespace, or undefined when every one fits. */
export const namespaceProblem = (name: string, environments: readonly string[]): string | undefined => {
  const tooLong = environments.find((environment) => name.length + 1 + environment.length > namespaceLimit);
  return tooLong
    ? `the namespace '${name}-${tooLong}' would have ${name.length + 1 + tooLong.length} characters and Kubernetes allows ${namespaceLimit}; shorten the name or the environment '${tooLong}'`
    : undefined;
};

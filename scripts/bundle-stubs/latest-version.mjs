// Stand-in for latest-version in the bundle. yeoman-generator loads it (and an HTTP client) for
// addDependencies() without versions, which phase4 never calls: generated files pin their own versions.
export default async function latestVersion() {
  throw new Error('phase4 does not look up package versions from the registry');
}

/**
 * pom.xml read with just enough XML: comments and the sections that declare without applying
 * (dependencyManagement, pluginManagement, profiles, the parent block) are blanked with their line breaks
 * kept, so every offset still points at the original line. Properties are resolved (`${java.version}`), a
 * parent pom inside the repository is followed, and the Java version comes from java.version,
 * maven.compiler.release/source or the compiler plugin's release/source.
 */
import { evidence } from '../evidence.js';
import type { RepoIndex } from '../repo-index.js';
import { RepoIndex as Index } from '../repo-index.js';
import { folderOf } from '../workspaces.js';
import type { Declared, Dependency, JvmBuild, Plugin } from './build.js';

const blank = (text: string): string => text.replace(/[^\n]/g, ' ');

/** Blanks `<!-- -->` comments and every `<tag>...</tag>` section named in `tags`. */
export const blankSections = (text: string, tags: readonly string[]): string => {
  let result = text.replace(/<!--[\s\S]*?-->/g, blank);
  for (const tag of tags) result = result.replace(new RegExp(`<${tag}\\b[^>]*>[\\s\\S]*?</${tag}>`, 'g'), blank);
  return result;
};

const firstTag = (xml: string, tag: string): { value: string; offset: number } | undefined => {
  const match = new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`).exec(xml);
  return match ? { value: match[1], offset: match.index } : undefined;
};

/** Maven properties (`<properties>`), plus project.version and friends. */
const propertiesOf = (xml: string): Map<string, { value: string; offset: number }> => {
  const properties = new Map<string, { value: string; offset: number }>();
  const block = /<properties>([\s\S]*?)<\/properties>/.exec(xml);
  if (!block) return properties;
  const start = block.index + block[0].indexOf(block[1]);
  for (const match of block[1].matchAll(/<([\w.-]+)>\s*([^<]*?)\s*<\/\1>/g)) properties.set(match[1], { value: match[2], offset: start + match.index! });
  return properties;
};

export interface MavenReadOptions {
  index: RepoIndex;
  folder: string;
  /** Poms already being read (a parent chain must not loop). */
  seen?: Set<string>;
}

export const readMaven = ({ index, folder, seen = new Set() }: MavenReadOptions): JvmBuild | undefined => {
  const file = Index.join(folder, 'pom.xml');
  const text = index.read(file);
  if (text === undefined || seen.has(file)) return undefined;
  seen.add(file);
  const withoutComments = blankSections(text, []);
  const parentBlock = /<parent>([\s\S]*?)<\/parent>/.exec(withoutComments);
  const own = blankSections(text, ['parent', 'dependencyManagement', 'pluginManagement', 'profiles', 'reporting', 'distributionManagement', 'repositories', 'pluginRepositories', 'scm', 'developers', 'licenses']);
  // Dependencies of the project itself: outside <build> (plugin dependencies) too.
  const outsideBuild = blankSections(own, ['build']);
  const buildSection = /<build>[\s\S]*<\/build>/.exec(own);

  let parent: JvmBuild | undefined;
  const parentInfo = parentBlock ? parentBlock[1] : undefined;
  if (parentInfo !== undefined) {
    const relative = firstTag(parentInfo, 'relativePath')?.value ?? '../pom.xml';
    const parentFile = Index.join(folder, relative.endsWith('.xml') ? relative : `${relative}/pom.xml`);
    if (relative !== '' && !parentFile.startsWith('..')) parent = readMaven({ index, folder: folderOf(parentFile), seen });
  }

  const properties = propertiesOf(own);
  // The project's own coordinates: not those of its dependencies.
  const projectLevel = blankSections(outsideBuild, ['dependencies', 'properties', 'modules']);
  const artifactId = firstTag(projectLevel, 'artifactId');
  let version: string | undefined;
  const inheritedProperty = (name: string): { value: string; file: string; text: string; offset: number } | undefined => {
    const local = properties.get(name);
    if (local) return { ...local, file, text };
    const fromParent = parent ? (parent as MavenBuild).property?.(name) : undefined;
    return fromParent;
  };
  const resolve = (value: string, depth = 0): string =>
    depth > 5
      ? value
      : value.replace(/\$\{([\w.-]+)\}/g, (whole, name: string) => {
          if (name === 'project.version' || name === 'version') return version ?? whole;
          if (name === 'project.artifactId') return artifactId?.value ?? whole;
          const found = inheritedProperty(name);
          return found ? resolve(found.value, depth + 1) : whole;
        });

  const rawVersion = firstTag(projectLevel, 'version')?.value ?? (parentInfo ? firstTag(parentInfo, 'version')?.value : undefined);
  version = rawVersion ? resolve(rawVersion) : undefined;

  const dependencies: Dependency[] = [];
  for (const match of outsideBuild.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    const group = firstTag(match[1], 'groupId')?.value ?? '';
    const artifact = firstTag(match[1], 'artifactId')?.value ?? '';
    const scope = firstTag(match[1], 'scope')?.value ?? 'compile';
    dependencies.push({ group: resolve(group), artifact: resolve(artifact), scope, evidence: evidence(file, `dependency ${group}:${artifact}${scope !== 'compile' ? ` (${scope})` : ''}`, text, match.index! + match[0].indexOf('<artifactId>')) });
  }
  const plugins: Plugin[] = [];
  if (buildSection) {
    for (const match of buildSection[0].matchAll(/<plugin>([\s\S]*?)<\/plugin>/g)) {
      const group = firstTag(match[1], 'groupId')?.value ?? 'org.apache.maven.plugins';
      const artifact = firstTag(match[1], 'artifactId')?.value ?? '';
      const pluginVersion = firstTag(match[1], 'version')?.value;
      const offset = buildSection.index + match.index! + match[0].indexOf('<artifactId>');
      plugins.push({ id: `${group}:${artifact}`, applied: true, ...(pluginVersion ? { version: resolve(pluginVersion) } : {}), configuration: match[1], evidence: evidence(file, `plugin ${artifact}`, text, offset) });
    }
  }

  const modules = [...outsideBuild.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)].map((match) => Index.join(folder, match[1]));
  const packaging = firstTag(projectLevel, 'packaging')?.value;

  // Java version: explicit properties first, then the compiler plugin's configuration.
  let javaVersion: Declared | undefined;
  for (const name of ['maven.compiler.release', 'java.version', 'maven.compiler.source', 'maven.compiler.target', 'jdk.version', 'java.release']) {
    const found = inheritedProperty(name);
    if (found && /\d/.test(resolve(found.value))) {
      javaVersion = { value: resolve(found.value), evidence: evidence(found.file, `<${name}>${found.value}</${name}>`, found.text, found.offset) };
      break;
    }
  }
  if (!javaVersion) {
    const compiler = plugins.find((plugin) => plugin.id.endsWith(':maven-compiler-plugin'));
    const configuration = compiler?.configuration ?? '';
    const release = firstTag(configuration, 'release') ?? firstTag(configuration, 'source');
    if (compiler && release && /\d/.test(resolve(release.value))) javaVersion = { value: resolve(release.value), evidence: { ...compiler.evidence, note: `maven-compiler-plugin release ${release.value}` } };
  }
  if (!javaVersion && parent?.javaVersion) javaVersion = parent.javaVersion;

  let springBootVersion: Declared | undefined;
  if (parentInfo && /<artifactId>\s*spring-boot-starter-parent\s*<\/artifactId>/.test(parentInfo)) {
    const parentVersion = firstTag(parentInfo, 'version');
    if (parentVersion) springBootVersion = { value: resolve(parentVersion.value), evidence: evidence(file, `parent spring-boot-starter-parent ${parentVersion.value}`, text, parentBlock!.index) };
  }
  const bom = /<artifactId>\s*spring-boot-dependencies\s*<\/artifactId>\s*<version>\s*([^<]+?)\s*<\/version>/.exec(withoutComments);
  if (!springBootVersion && bom) springBootVersion = { value: resolve(bom[1]), evidence: evidence(file, `spring-boot-dependencies ${bom[1]}`, text, bom.index) };
  if (!springBootVersion && parent?.springBootVersion) springBootVersion = parent.springBootVersion;

  const finalName = buildSection ? firstTag(buildSection[0], 'finalName') : undefined;
  const build: MavenBuild = {
    tool: 'maven',
    folder,
    file,
    text,
    ...(artifactId ? { name: resolve(artifactId.value) } : {}),
    ...(version ? { version } : {}),
    ...(packaging ? { packaging } : {}),
    dependencies,
    plugins,
    ...(javaVersion ? { javaVersion } : {}),
    ...(springBootVersion ? { springBootVersion } : {}),
    modules,
    ...(parent ? { parent } : {}),
    ...(finalName ? { archiveName: { value: resolve(finalName.value), evidence: evidence(file, `<finalName>${finalName.value}</finalName>`, text, buildSection!.index + finalName.offset) } } : {}),
    property: inheritedProperty,
  };
  return build;
};

interface MavenBuild extends JvmBuild {
  property?: (name: string) => { value: string; file: string; text: string; offset: number } | undefined;
}

/** The Maven version the wrapper pins (.mvn/wrapper/maven-wrapper.properties distributionUrl). */
export const mavenWrapperVersion = (index: RepoIndex, folder: string): Declared | undefined => {
  const file = Index.join(folder, '.mvn/wrapper/maven-wrapper.properties');
  const text = index.read(file);
  const match = text ? /distributionUrl\s*=\s*\S*?apache-maven-(\d+(?:\.\d+)*(?:-[\w.]+)?)-bin\.zip/.exec(text) : undefined;
  return match ? { value: match[1], evidence: evidence(file, `distributionUrl apache-maven-${match[1]}`, text, match.index) } : undefined;
};

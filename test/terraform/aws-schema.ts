/**
 * The AWS provider's resource schema, read from the machine's provider mirror with `terraform providers schema`:
 * which resource types take `tags`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { terraformPins } from '../../lib/versions/index.js';
import { runTool } from '../helpers/tools.js';
import { providerMirror } from '../validation/validators/terraform.js';

let taggable: Promise<Set<string>> | undefined;

export const awsTaggableTypes = (): Promise<Set<string>> => {
  taggable ??= Promise.resolve().then(() => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phase4-aws-schema-'));
    try {
      const aws = terraformPins().providers.aws;
      writeFileSync(path.join(dir, 'versions.tf'), `terraform {\n  required_providers {\n    aws = {\n      source  = "${aws.source}"\n      version = "${aws.constraint}"\n    }\n  }\n}\n`);
      const env = { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };
      const init = runTool('terraform', ['init', '-backend=false', '-input=false', `-plugin-dir=${providerMirror()}`], { cwd: dir, env });
      if (init.status !== 0) throw new Error(`terraform init failed:\n${init.output}`);
      const schema = runTool('terraform', ['providers', 'schema', '-json'], { cwd: dir, env, maxBuffer: 512 * 1024 * 1024 });
      if (schema.status !== 0) throw new Error(`terraform providers schema failed:\n${schema.output}`);
      const resources = JSON.parse(schema.stdout).provider_schemas['registry.terraform.io/hashicorp/aws'].resource_schemas as Record<string, { block: { attributes?: Record<string, unknown> } }>;
      return new Set(Object.entries(resources).filter(([, resource]) => resource.block.attributes?.tags).map(([type]) => type));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return taggable;
};

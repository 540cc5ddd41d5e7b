import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';

/**
 * Validates a Kubernetes object against the OpenAPI schema of its kind with kubernetes-models 4.x
 * (CommonJS, Kubernetes 1.27-era schemas). Throws with the schema error.
 */
export function validateSchema(obj: any): void {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [undefined, obj.apiVersion];
  const modulePath = group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath);
  const Model = mod[obj.kind] ?? mod.default;
  if (!Model) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

/** A CycloneDX 1.5 JSON validator (the official schema, test/image/fixtures/cyclonedx): throws with the errors. */
function cyclonedx(): (doc: unknown) => boolean {
  const dir = path.join(__dirname, '../image/fixtures/cyclonedx');
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, 'spdx.schema.json'), 'utf8')), 'spdx.schema.json');
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, 'jsf-0.82.schema.json'), 'utf8')), 'jsf-0.82.schema.json');
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(dir, 'bom-1.5.schema.json'), 'utf8')));
  return (doc: unknown) => {
    const ok = validate(doc) as boolean;
    if (!ok) throw new Error(`not a CycloneDX 1.5 document: ${JSON.stringify(validate.errors).slice(0, 2000)}`);
    return ok;
  };
}
export const validateCycloneDx = cyclonedx();

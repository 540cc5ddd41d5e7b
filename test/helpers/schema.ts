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

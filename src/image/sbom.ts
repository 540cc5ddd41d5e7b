import { createHash } from 'crypto';
import * as fs from 'fs';
import { parseImageReference } from './image-reference';
import type { BuildContextFile } from './nginx-image-props';
import { NGINX_CONF_DIR, NGINX_HTML_DIR } from '../nginx/paths';

/**
 * The synth-time SBOM (CycloneDX 1.5 JSON) of what the model declares: the image, its base image, and each
 * file the build context puts into the image (config, html, passwd/group) with its SHA-256. Written as
 * `sbom.cdx.json` beside the build context; the builder's SBOM (`record-packages.sh`) adds what only the
 * base knows, the packages and their files. Pure and deterministic: no time, no random serial number.
 */

/**
 * Where each build-context file or folder lands in the image, from the same constants as the Dockerfile's
 * COPY lines; files elsewhere (Dockerfile, scripts) do not land in it.
 */
const IN_IMAGE: Array<[string, string]> = [
  ['nginx.conf', `${NGINX_CONF_DIR}/nginx.conf`],
  ['conf.d/', `${NGINX_CONF_DIR}/conf.d/`],
  ['html/', `${NGINX_HTML_DIR}/`],
  ['rootfs/', '/'],
];

function imagePath(contextPath: string): string | undefined {
  for (const [from, to] of IN_IMAGE) {
    if (contextPath === from) return to;
    if (from.endsWith('/') && contextPath.startsWith(from)) return `${to}${contextPath.slice(from.length)}`;
  }
  return undefined;
}

function sha256(file: BuildContextFile): string {
  const hash = createHash('sha256');
  hash.update(file.sourcePath !== undefined ? fs.readFileSync(file.sourcePath) : Buffer.from(file.content, 'utf8'));
  return hash.digest('hex');
}

/** An OCI purl of an image reference pinned by digest; a tag alone names no fixed content, so no purl. */
function ociPurl(reference: string): string | undefined {
  const ref = parseImageReference(reference);
  if (ref.digest === undefined) return undefined;
  const name = ref.repository.split('/').pop()!;
  const qualifiers = [`repository_url=${encodeURIComponent(ref.repository)}`, ...(ref.tag ? [`tag=${encodeURIComponent(ref.tag)}`] : [])];
  return `pkg:oci/${encodeURIComponent(name)}@${encodeURIComponent(ref.digest)}?${qualifiers.join('&')}`;
}

/** What the declared SBOM describes. */
export interface DeclaredSbomInput {
  /** The image's repository. */
  readonly repository: string;
  /** The image's tag. */
  readonly tag: string;
  /** The base image reference. */
  readonly baseImage: string;
  /** The build context (every file; only those that land in the image are listed). */
  readonly files: BuildContextFile[];
}

/** The declared SBOM as CycloneDX 1.5 JSON text (JSON.stringify is its one renderer). */
export function declaredSbom(input: DeclaredSbomInput): string {
  const base = parseImageReference(input.baseImage);
  const basePurl = ociPurl(input.baseImage);
  const files = input.files
    .map(f => ({ file: f, at: imagePath(f.path) }))
    .filter((x): x is { file: BuildContextFile; at: string } => x.at !== undefined)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const doc = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: 'cdk8s-scratch-nginx' }] },
      component: { 'type': 'container', 'bom-ref': 'image', 'name': input.repository, 'version': input.tag },
    },
    components: [
      {
        'type': 'container',
        'bom-ref': 'base-image',
        'name': base.repository,
        ...(base.tag !== undefined || base.digest !== undefined ? { version: base.digest ?? base.tag } : {}),
        ...(basePurl !== undefined ? { purl: basePurl } : {}),
        'description': 'the base image the builder stage copies nginx, its libraries and their package records from',
      },
      ...files.map(({ file, at }) => ({
        'type': 'file',
        'bom-ref': `file:${at}`,
        'name': at,
        'hashes': [{ alg: 'SHA-256', content: sha256(file) }],
      })),
    ],
    dependencies: [{ ref: 'image', dependsOn: ['base-image'] }],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

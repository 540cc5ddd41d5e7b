import * as path from 'path';
import { checkSecurity } from '../nginx/checks';
import { Directive } from '../nginx/directive';
import { ConfigFinding } from '../nginx/findings';
import { inlineIncludes } from '../nginx/includes';
import { parseNginx } from '../nginx/parse';
import { NGINX_CONF_DIR } from '../nginx/paths';

/**
 * The nginx configurations a set of Kubernetes objects delivers in ConfigMaps, checked with the library's
 * security checks: the plugin's input is any cdk8s app, so its nginx configs are read from the manifests,
 * not from a typed model.
 *
 * A pod template that mounts ConfigMaps so that an `nginx.conf` appears gives one configuration, its includes
 * followed through the other mounted ConfigMaps (as nginx would find them). A ConfigMap file ending in `.conf`
 * that no such configuration reads is checked alone, when it is nginx text with blocks nginx has (`http`,
 * `server`, `location`, `events`, `upstream`, `map`).
 */

/** One finding of an nginx configuration found in the manifests. */
export interface NginxConfigFinding {
  /** The ConfigMap (`ConfigMap/name`) of the file the configuration starts from. */
  readonly object: string;
  /** The file: the ConfigMap key, or its path in the container for a mounted configuration. */
  readonly file: string;
  readonly finding: ConfigFinding;
}

const POD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);
const NGINX_BLOCKS = new Set(['http', 'server', 'location', 'events', 'upstream', 'map', 'stream']);

function podSpecOf(obj: any): any {
  if (obj?.kind === 'Pod') return obj.spec;
  if (obj?.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj?.spec?.template?.spec;
}

function stringData(cm: any): Map<string, string> {
  const out = new Map<string, string>();
  const data = cm?.data;
  if (typeof data !== 'object' || data === null) return out;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string') out.set(k, v);
  }
  return out;
}

/** The files a container sees from mounted ConfigMaps, by absolute path, with the ConfigMap and key of each. */
function mountedFiles(spec: any, container: any, configMaps: ReadonlyMap<string, Map<string, string>>) {
  const files = new Map<string, { object: string; key: string; content: string }>();
  const volumes = new Map<string, any>();
  for (const v of Array.isArray(spec?.volumes) ? spec.volumes : []) volumes.set(v?.name, v);
  for (const m of Array.isArray(container?.volumeMounts) ? container.volumeMounts : []) {
    const volume = volumes.get(m?.name);
    const name = volume?.configMap?.name;
    const data = typeof name === 'string' ? configMaps.get(name) : undefined;
    if (!data || typeof m.mountPath !== 'string') continue;
    // `items` renames keys to paths; without it every key is a file named after itself.
    const items: Array<{ key: string; path: string }> = Array.isArray(volume.configMap.items)
      ? volume.configMap.items.filter((i: any) => typeof i?.key === 'string' && typeof i?.path === 'string')
      : [...data.keys()].map(key => ({ key, path: key }));
    for (const item of items) {
      const content = data.get(item.key);
      if (content === undefined) continue;
      if (typeof m.subPath === 'string' && m.subPath !== '') {
        if (m.subPath === item.path) files.set(m.mountPath, { object: `ConfigMap/${name}`, key: item.key, content });
      } else {
        files.set(path.posix.join(m.mountPath, item.path), { object: `ConfigMap/${name}`, key: item.key, content });
      }
    }
  }
  return files;
}

function isNginxText(tree: readonly Directive[]): boolean {
  return tree.some(d => d.block !== undefined && NGINX_BLOCKS.has(d.name));
}

/** Every nginx configuration the objects deliver in ConfigMaps, with the findings of the security checks. */
export function nginxConfigFindings(objects: readonly any[]): NginxConfigFinding[] {
  const configMaps = new Map<string, Map<string, string>>();
  for (const o of objects) {
    if (o?.kind === 'ConfigMap' && typeof o.metadata?.name === 'string') configMaps.set(o.metadata.name, stringData(o));
  }
  const out: NginxConfigFinding[] = [];
  const read = new Set<string>();
  const seenConfigs = new Set<string>();
  for (const o of objects) {
    if (!POD_KINDS.has(o?.kind)) continue;
    const spec = podSpecOf(o);
    for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      const files = mountedFiles(spec, container, configMaps);
      for (const [file, main] of files) {
        if (path.posix.basename(file) !== 'nginx.conf') continue;
        const dir = path.posix.dirname(file);
        // Relative to the configuration's folder, as nginx resolves its includes (absolute ones under /etc/nginx too).
        const byPath = new Map<string, string>();
        for (const [p, f] of files) {
          if (p.startsWith(`${dir}/`)) byPath.set(p.slice(dir.length + 1), f.content);
        }
        const key = `${main.object}/${main.key}:${[...byPath.keys()].join(',')}`;
        if (seenConfigs.has(key)) continue;
        seenConfigs.add(key);
        let tree: Directive[];
        try {
          const parsed = parseNginx(main.content, file);
          tree = dir === NGINX_CONF_DIR ? inlineIncludes(parsed, byPath, ['nginx.conf']) : parsed;
        } catch {
          continue; // Not nginx text, or includes that are not all here: nginx itself would say so at start-up.
        }
        for (const [p, f] of files) {
          if (p === file || byPath.has(p.slice(dir.length + 1))) read.add(`${f.object}/${f.key}`);
        }
        for (const finding of checkSecurity(Object.freeze(tree))) out.push({ object: main.object, file, finding });
      }
    }
  }
  for (const [name, data] of configMaps) {
    for (const [k, content] of data) {
      if (!k.endsWith('.conf') || read.has(`ConfigMap/${name}/${k}`)) continue;
      let tree: Directive[];
      try {
        tree = parseNginx(content, k);
      } catch {
        continue;
      }
      if (!isNginxText(tree)) continue;
      for (const finding of checkSecurity(Object.freeze(tree))) out.push({ object: `ConfigMap/${name}`, file: k, finding });
    }
  }
  return out;
}

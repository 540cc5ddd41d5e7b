import { SpawnSyncReturns, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** Private container storage and settings for buildah/podman on this machine (see FACTS: vfs, runc, cgroupfs). */
export class Podman {
  public readonly env: NodeJS.ProcessEnv;

  constructor(public readonly workDir: string) {
    fs.mkdirSync(workDir, { recursive: true });
    const storage = path.join(workDir, 'storage.conf');
    const containers = path.join(workDir, 'containers.conf');
    fs.writeFileSync(storage, `[storage]\ndriver = "vfs"\ngraphroot = "${workDir}/storage"\nrunroot = "${workDir}/runroot"\n`);
    fs.writeFileSync(containers, [
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '',
    ].join('\n'));
    this.env = {
      ...process.env,
      CONTAINERS_STORAGE_CONF: storage,
      CONTAINERS_CONF: containers,
      BUILDAH_ISOLATION: 'chroot',
    };
  }

  /** Runs a command with the private storage; throws with its output when it fails. */
  public run(cmd: string, args: string[], options: { input?: string; timeoutMs?: number; allowFailure?: boolean } = {}): SpawnSyncReturns<string> {
    const r = spawnSync(cmd, args, {
      env: this.env,
      encoding: 'utf8',
      input: options.input,
      timeout: options.timeoutMs ?? 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (!options.allowFailure && (r.status !== 0 || r.error)) {
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error}):\n${r.stdout}\n${r.stderr}`);
    }
    return r;
  }

  public imageExists(ref: string): boolean {
    return this.run('podman', ['image', 'exists', ref], { allowFailure: true }).status === 0;
  }
}

/** Whether every command is on PATH. */
export function haveCommands(...commands: string[]): boolean {
  return commands.every(c => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
}

/** The first Debian mirror apt uses here (debootstrap needs one). */
export function debianMirror(): string {
  const file = '/etc/apt/sources.list.d/debian.sources';
  if (fs.existsSync(file)) {
    const m = /^URIs:\s*(\S+)/m.exec(fs.readFileSync(file, 'utf8'));
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/** The debootstrapped base of an architecture, shared by every work folder (tests may run in parallel). */
function baseTar(arch: string): string {
  return path.join(__dirname, `../../.work/nginx-base-bookworm${arch === 'amd64' ? '' : `-${arch}`}.tar`);
}

/**
 * A local Debian 12 image with nginx-light (no registry needed): debootstrap once per machine into a tar
 * (under an exclusive lock, so parallel test files never run two debootstraps at once), then podman import
 * into this work folder's storage. Another architecture than the host's (arm64) runs debootstrap's second
 * stage under qemu-user-static, which binfmt_misc must have registered (`.ci/run` does).
 */
export function ensureDebianNginxBase(podman: Podman, ref: string, arch = 'amd64'): void {
  if (podman.imageExists(ref)) return;
  const tar = baseTar(arch);
  fs.mkdirSync(path.dirname(tar), { recursive: true });
  const rootfs = `${tar}.rootfs`;
  const script = `[ -s "${tar}" ] && exit 0; set -e; rm -rf "${rootfs}";`
    + ` debootstrap --arch=${arch} --variant=minbase --include=nginx-light bookworm "${rootfs}" "${debianMirror()}";`
    + ` for m in proc sys dev/pts dev; do umount "${rootfs}/$m" 2>/dev/null || true; done;`
    + ` tar --numeric-owner -C "${rootfs}" -cf "${tar}.tmp" .; mv "${tar}.tmp" "${tar}"; rm -rf "${rootfs}"`;
  podman.run('flock', [`${tar}.lock`, 'sh', '-c', script], { timeoutMs: 1_500_000 });
  podman.run('podman', ['import', '--arch', arch, tar, ref], { timeoutMs: 300_000 });
}

/** A pod started by `podman kube play`. */
export interface PlayedPod {
  readonly kubeFile: string;
  readonly podId: string;
  readonly containerId: string;
  readonly podIp: string;
}

/**
 * Runs the Deployment and ConfigMaps of synthesised objects with `podman kube play` and returns the pod.
 * Service, NetworkPolicy, PDB and ServiceAccount only matter in a cluster. podman 4.3 also publishes every
 * containerPort on the host (a second replica, or anything else on the machine using the port, could not
 * bind it): one replica runs, without the port list, which only documents the port; tests reach nginx on
 * the pod's own IP. kube down keeps the volumes it made for ConfigMaps, so they are pruned first.
 */
export function playDeployment(podman: Podman, objects: any[], kubeFile: string): PlayedPod {
  const deployment = objects.find(o => o.kind === 'Deployment');
  const played = { ...deployment, spec: { ...deployment.spec, replicas: 1, template: { ...deployment.spec.template } } };
  const pod = { ...played.spec.template.spec };
  pod.containers = pod.containers.map((c: any) => {
    const { ports, ...rest } = c;
    void ports;
    return rest;
  });
  played.spec.template.spec = pod;
  const docs = [played, ...objects.filter(o => o.kind === 'ConfigMap')];
  fs.writeFileSync(kubeFile, docs.map(o => YAML.stringify(o)).join('---\n'));
  podman.run('podman', ['kube', 'down', kubeFile], { allowFailure: true });
  podman.run('podman', ['volume', 'prune', '--force']);
  const out = podman.run('podman', ['kube', 'play', kubeFile]).stdout;
  const podId = /Pod:\s*([0-9a-f]{64})/.exec(out)![1];
  const containerId = /Container:\s*([0-9a-f]{64})/.exec(out)![1];
  const infra = podman.run('podman', ['pod', 'inspect', podId, '--format', '{{.InfraContainerID}}']).stdout.trim();
  const podIp = podman.run('podman', ['inspect', infra, '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}']).stdout.trim();
  return { kubeFile, podId, containerId, podIp };
}

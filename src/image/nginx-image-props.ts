import { NginxConfig } from '../nginx/config';

/** One file of an image build context. */
export interface BuildContextFile {
  /** Path relative to the context directory, with `/` separators. */
  readonly path: string;
  /** File content (text). Empty when `sourcePath` is set. */
  readonly content: string;
  /**
   * A local file copied byte for byte instead of `content` (html, images, fonts).
   * @default - the file is `content`
   */
  readonly sourcePath?: string;
}

/** Properties of a scratch nginx image. */
export interface NginxImageProps {
  /** The nginx configuration baked into the image (`/etc/nginx/nginx.conf` and `conf.d/`). */
  readonly config: NginxConfig;
  /**
   * Repository the image is tagged with and pulled from, registry included.
   * @default 'localhost/scratch-nginx'
   */
  readonly repository?: string;
  /**
   * Tag of the built image (never `latest`).
   * @default '0.1.0'
   */
  readonly tag?: string;
  /**
   * Digest of the pushed image (`sha256:...`). When set, the workload pulls `repository@digest`.
   * @default - the workload pulls `repository:tag`
   */
  readonly digest?: string;
  /**
   * Base image of the builder stage, pinned by tag or digest: nginx and its libraries come from it.
   * Any image with `/usr/sbin/nginx`, `ldd`, `/bin/sh` and `/etc/nginx/mime.types` works (Alpine or Debian).
   * @default DEFAULT_BASE_IMAGE (nginx:1.30.6-alpine)
   */
  readonly baseImage?: string;
  /**
   * The nginx version of the base image (`1.22.1`). A directive that version does not have, or no longer has,
   * fails at synth with the version that introduced, made obsolete or removed it (from nginx's documentation).
   * @default - read from the base image's tag (`nginx:1.30.6-alpine` has 1.30.6); when the tag names no version
   *   (`debian:bookworm`, `nginx:mainline`), directives are not checked against a version
   */
  readonly nginxVersion?: string;
  /**
   * Numeric uid nginx runs as. The image's `USER`, the pod's `runAsUser` and `/etc/passwd` all use it.
   * @default 65532
   */
  readonly uid?: number;
  /**
   * Numeric gid nginx runs as.
   * @default - the same as `uid`
   */
  readonly gid?: number;
  /**
   * Name of the runtime user in the image's `/etc/passwd` and `/etc/group`.
   * @default 'nginx'
   */
  readonly userName?: string;
  /**
   * Local directory whose files are served from `/usr/share/nginx/html` (copied into the build context).
   * @default - a generated index.html and 50x.html
   */
  readonly htmlDir?: string;
  /**
   * Explicit list of files to copy from the base image instead of computing the closure with `ldd`
   * (the seed's way). Each is an absolute path; list nginx itself, every library and the loader.
   * @default - the closure of nginx and its modules, computed at build time
   */
  readonly files?: string[];
  /**
   * Path of the nginx binary in the base image.
   * @default '/usr/sbin/nginx'
   */
  readonly nginxBinary?: string;
  /**
   * Extra or overriding image labels.
   * @default - only the org.opencontainers.image.* labels derived from the image
   */
  readonly labels?: { [key: string]: string };
}

import { BrotliProps } from './features/brotli';
import { GzipProps } from './features/gzip';
import { AccessLogFormat } from './features/logging';
import { NginxUpstreamOptions } from './features/proxy';
import { RateLimitProps } from './features/rate-limit';
import { NginxModule } from './modules';
import { NginxServerOptions } from './server-options';

/** One rendered configuration file, relative to the nginx configuration directory. */
export interface ConfigFile {
  /** Path relative to `/etc/nginx`, for example `nginx.conf` or `conf.d/default.conf`. */
  readonly path: string;
  /** File content. */
  readonly content: string;
}

/** A path nginx writes to, and the directive that makes it write there. */
export interface WritablePath {
  /** Absolute path. */
  readonly path: string;
  /** The directive that names it. */
  readonly directive: string;
}

/**
 * Properties of an nginx configuration. The typed features of `http { }` (gzip, rate limits, brotli) bring
 * their own props, each from its file under `nginx/features/`.
 */
export interface NginxConfigProps extends GzipProps, RateLimitProps, BrotliProps {
  /**
   * `worker_processes`.
   * @default 'auto'
   */
  readonly workerProcesses?: string;
  /**
   * `worker_connections` in the `events` block.
   * @default 1024
   */
  readonly workerConnections?: number;
  /**
   * The one writable directory: the pid file and the five `*_temp_path` live here. The workload mounts a
   * memory-backed emptyDir at this path; everything else stays read-only.
   * @default '/dev/shm'
   */
  readonly runtimeDir?: string;
  /**
   * `keepalive_timeout` in seconds.
   * @default 65
   */
  readonly keepaliveTimeoutSeconds?: number;
  /**
   * Seconds a graceful stop (SIGQUIT) waits for open requests (`worker_shutdown_timeout`); the pod's
   * terminationGracePeriodSeconds is this plus 10.
   * @default 20
   */
  readonly workerShutdownTimeoutSeconds?: number;
  /**
   * Level of the error log (to stderr): debug, info, notice, warn, error, crit, alert or emerg.
   * `notice` also logs start-up and the signal of each shutdown.
   * @default 'warn'
   */
  readonly errorLogLevel?: string;
  /**
   * Whether requests are logged (the seed's `main` format, to /dev/stdout).
   * @default true
   */
  readonly accessLog?: boolean;
  /**
   * Dynamic modules to load (`load_module`), as absolute paths in the base image. The image copies each
   * module and its shared-library closure.
   * @default - no dynamic modules
   */
  readonly modules?: string[];
  /**
   * Dynamic modules to load, with the directives and variables they add, so that the synth-time checks know
   * them (a module given only in `modules` is loaded, but its directives fail as 'unknown-directive').
   * `NginxModules` has common ones, such as `NginxModules.brotliFilter()`. Each is loaded (`load_module`)
   * after the paths of `modules`, and the image copies it.
   * @default - none
   */
  readonly dynamicModules?: NginxModule[];
  /**
   * Servers, each rendered to `conf.d/<name>.conf`. More can be added with `addServer`.
   * @default - one server named 'default' with the defaults of `NginxServerOptions`
   */
  readonly servers?: NginxServerOptions[];
  /**
   * Format of the access log.
   * @default AccessLogFormat.MAIN
   */
  readonly accessLogFormat?: AccessLogFormat;
  /**
   * Security headers sent with every response, in every block (the library repeats them wherever a block
   * adds its own headers, so nginx's add_header inheritance never drops them). Merged over the defaults
   * (`DEFAULT_SECURITY_HEADERS`: X-Content-Type-Options, X-Frame-Options, Referrer-Policy,
   * Content-Security-Policy, Permissions-Policy, Cross-Origin-Opener-Policy); an empty value removes one.
   * @default - DEFAULT_SECURITY_HEADERS
   */
  readonly securityHeaders?: { [name: string]: string };
  /**
   * Largest request body (`client_max_body_size`); bodies are buffered in the memory-backed runtimeDir.
   * @default '1m'
   */
  readonly clientMaxBodySize?: string;
  /**
   * Seconds a client may take to send the request headers, or between two reads of the body, and
   * between two writes of the response (slow-client protection).
   * @default 10
   */
  readonly clientTimeoutSeconds?: number;
  /**
   * Cache open file descriptors, sizes and lookups (including "not found") of served files
   * (`open_file_cache max=<n> inactive=60s`, `open_file_cache_valid 60s`, `open_file_cache_errors on`).
   * The html is part of the immutable image, so caching is safe and saves an open/fstat/close per request;
   * files changed on a mounted volume are seen within 60 s. 0 turns the cache off.
   * @default 1000
   */
  readonly openFileCacheEntries?: number;
  /**
   * Upstreams (groups of backends) for `NginxServer.addProxy`. More can be added with `addUpstream`.
   * @default - none
   */
  readonly upstreams?: NginxUpstreamOptions[];
}


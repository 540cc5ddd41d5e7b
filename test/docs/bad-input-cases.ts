import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Directive, LocationModifier, NginxConfig, ScratchNginx, ScratchNginxProps } from '../../src';

/** One class of bad input from the README's "Bad input fails at synth", and how to trigger it. */
export interface BadInputCase {
  /** The class, as the README names it. */
  readonly title: string;
  /** Builds the app's constructs (chart 'site'). */
  readonly build: (chart: Chart) => void;
}

const web = (chart: Chart, props: Partial<ScratchNginxProps>, config = new NginxConfig()) =>
  new ScratchNginx(chart, 'web', { config, repository: 'localhost/site', tag: '1.0.0', ...props });

const withServer = (mutate: (c: NginxConfig) => void) => {
  const config = new NginxConfig({ servers: [{ name: 'site' }] });
  mutate(config);
  return config;
};

export const BAD_INPUT_CASES: BadInputCase[] = [
  { title: 'Response splitting (a line break in a header value)', build: c => web(c, {}, withServer(x => x.servers[0].addDirective(Directive.of('add_header', 'X-A', 'x\r\nSet-Cookie: a=1')))) },
  { title: 'Response splitting (a header name that is not a token)', build: c => web(c, {}, withServer(x => x.servers[0].addDirective(Directive.of('add_header', 'Set-Cookie: evil=1; X-C', 'v')))) },
  { title: 'Response splitting (a line break in a redirect target)', build: c => web(c, {}, withServer(x => x.servers[0].addRedirect('/old', '/new\r\nSet-Cookie: a=1'))) },
  { title: 'Location modifier confusion', build: c => web(c, {}, withServer(x => x.servers[0].addLocation('~/x'))) },
  { title: 'Location modifier confusion (escape hatch)', build: c => web(c, {}, withServer(x => x.servers[0].addDirective(Directive.withBlock('location', ['/a', 'b'], [])))) },
  { title: 'Shell and builder injection', build: c => web(c, { nginxBinary: '/usr/sbin/nginx;$(id)' }) },
  { title: 'A NUL byte', build: c => web(c, { nginxBinary: '/usr/sbin/nginx\u0000' }) },
  { title: 'Dangerous paths (a kernel filesystem served)', build: c => web(c, {}, new NginxConfig({ servers: [{ name: 'site', root: '/proc' }] })) },
  { title: 'Dangerous paths (alias by escape hatch)', build: c => web(c, {}, withServer(x => x.servers[0].addLocation('/env', { modifier: LocationModifier.EXACT, directives: [Directive.of('alias', '/proc/self/environ')] }))) },
  { title: 'Dangerous paths (runtimeDir)', build: c => web(c, {}, new NginxConfig({ runtimeDir: '/proc' })) },
  { title: 'Dangerous paths (htmlDir)', build: c => web(c, { htmlDir: '/' }) },
  { title: 'Over-long names', build: c => web(c, {}, new NginxConfig({ servers: [{ name: 'a'.repeat(265) }] })) },
  { title: "Over-long tokens (nginx's 4 KiB limit)", build: c => web(c, {}, withServer(x => x.servers[0].addDirective(Directive.of('add_header', 'X-Big', 'v'.repeat(5000))))) },
  { title: 'Numbers given as strings', build: c => web(c, { replicas: '3' as unknown as number }) },
  { title: 'NaN, Infinity, negatives, fractions', build: c => web(c, { autoscaling: { maxReplicas: 4, cpuUtilizationPercent: -5 } }) },
  { title: 'A string where a list belongs', build: c => web(c, {}, new NginxConfig({ servers: [{ name: 'site', serverNames: 'www.example.com' as unknown as string[] }] })) },
  { title: 'No server at all', build: c => web(c, {}, new NginxConfig({ servers: [] })) },
];

/** The error message the synth of a case fails with. */
export function badInputMessage(build: (chart: Chart) => void): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
  try {
    const app = new App({ outdir });
    build(new Chart(app, 'site'));
    app.synth();
  } catch (e) {
    return (e as Error).message;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  throw new Error('synth was expected to fail');
}

import * as fs from 'fs';
import * as fc from 'fast-check';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { parseNginx, sameDirectives } from '../../src/nginx/parse';
import { HOST_NGINX, nginxTest } from '../helpers/nginx-t';

/**
 * Property: every config built from arbitrary server names, paths, header values, log formats and
 * escape-hatch arguments is either rejected at synth with a message, or accepted by Debian's `nginx -t`
 * AND parses back to exactly the model's tree (no injected directive, no changed value).
 *
 * FUZZ_RUNS (default 2000) and FUZZ_SEED (default fixed, so CI is reproducible) tune it.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const haveNginx = fs.existsSync(HOST_NGINX);
if (!haveNginx && process.env.CI === 'true') throw new Error(`${HOST_NGINX} is missing: .ci/run must install nginx-light.`);

/** Control characters are refused by the renderer (test/input/hostile.test.ts sends many more): rare here. */
const CONTROL = ['\t', '\n', '\r', '\u0000'];
const NASTY = [' ', ';', '{', '}', '#', '"', "'", '\\', '$', '`', '(', ')', '[', ']', '*', '~', '^', '?', '=', '&', '%', '@', ':', ',', '|', '<', '>', 'é', '\u00a0', '\u2028'];
const SAFE = 'abcdefghijklmnopqrstuvwxyz0123456789-._/'.split('');
/** Mostly ordinary characters, often a nasty one. */
const char = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...SAFE) },
  { weight: 10, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.constantFrom(...CONTROL) },
);
const text = (min: number, max: number) => fc.array(char, { minLength: min, maxLength: max }).map(a => a.join(''));

const caseArb = fc.record({
  serverName: fc.oneof(text(1, 20), fc.constantFrom('example.com', '*.example.org', '_', 'localhost')),
  // Path props take portable characters only (test/input/reader.test.ts); the rest is refused by design.
  root: fc.oneof(fc.stringMatching(/^(\/[a-z0-9][a-z0-9._-]{0,8}){1,3}$/), fc.constant('/usr/share/nginx/html')),
  location: fc.oneof({ weight: 4, arbitrary: text(0, 20).map(s => `/${s}`) }, { weight: 1, arbitrary: text(1, 10) }),
  headerName: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('X-Fuzz', 'Cache-Control') }, { weight: 1, arbitrary: text(1, 12) }),
  headerValue: text(0, 30),
  logFormat: text(0, 40),
  setValue: text(0, 20),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case): NginxConfig {
  const config = new NginxConfig({ servers: [{ name: 'fuzz', serverNames: [c.serverName], root: c.root }] });
  config.addHttpDirective(Directive.of('log_format', 'fuzz', c.logFormat));
  config.servers[0]
    .addLocation(c.location, { directives: [Directive.of('add_header', c.headerName, c.headerValue)] })
    .addDirective(Directive.of('set', '$fuzz', c.setValue));
  return config;
}

const stats = { rejected: 0, accepted: 0 };

(haveNginx ? test : test.skip)(`fuzz: ${RUNS} configs are rejected at synth or accepted by nginx -t and parse back unchanged`, () => {
  fc.assert(fc.property(caseArb, (c) => {
    const config = build(c);
    const problems = config.validate();
    if (problems.length > 0) {
      stats.rejected++;
      for (const p of problems) expect(p.length).toBeGreaterThan(20);
      return;
    }
    stats.accepted++;
    for (const f of config.files()) {
      const expected = f.path === 'nginx.conf' ? config.mainTree() : config.serverDirectives();
      if (!sameDirectives(parseNginx(f.content, f.path), expected)) {
        throw new Error(`${f.path} does not parse back to the model:\n${f.content}`);
      }
    }
    const r = nginxTest(config.files());
    if (!r.ok) throw new Error(`nginx -t rejected a config the model accepted:\n${r.output}\n${config.files().map(f => f.content).join('\n')}`);
  }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
  // eslint-disable-next-line no-console
  console.log(`fuzz: ${stats.accepted} accepted by nginx -t, ${stats.rejected} rejected at synth (seed ${SEED})`);
  expect(stats.accepted).toBeGreaterThan(RUNS / 10);
}, 600_000);

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  CONTEXTS,
  normaliseContexts,
  syntaxBounds,
} from '../../scripts/nginx-reference-table.cjs';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { ConfigFinding, Severity } from '../../src/nginx/findings';
import { KEY_VALUE_BLOCKS, blockContentContext, checkPlacement, nginxDirectiveForms } from '../../src/nginx/placement';
import { NGINX_CONTEXTS, NGINX_DIRECTIVES, NGINX_REFERENCE_VERSION } from '../../src/nginx/reference-data';
import { renderDirectives } from '../../src/nginx/render';
import { HOST_NGINX, nginxTest } from '../helpers/nginx-t';
import { readSource } from '../helpers/source';

const ROOT = path.join(__dirname, '..', '..');

function forms(name: string) {
  const f = nginxDirectiveForms(name);
  if (f === undefined) throw new Error(`${name} is not in the table`);
  return f;
}

interface TreeParts {
  readonly main?: Directive[];
  readonly events?: Directive[];
  readonly http?: Directive[];
  readonly server?: Directive[];
}

/**
 * A small configuration built by hand (independent of what NginxConfig adds), that nginx -t accepts as a non-root
 * user when the parts are valid: one server `localhost` on 8080; `parts` are added at each level.
 */
function tree(parts: TreeParts = {}): Directive[] {
  return [
    Directive.of('pid', '/dev/shm/nginx.pid'),
    ...(parts.main ?? []),
    Directive.withBlock('events', [], parts.events ?? []),
    Directive.withBlock('http', [], [
      Directive.of('access_log', 'off'),
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(t => Directive.of(`${t}_temp_path`, `/dev/shm/${t}_temp`)),
      ...(parts.http ?? []),
      Directive.withBlock('server', [], [
        Directive.of('listen', '8080'),
        Directive.of('server_name', 'localhost'),
        ...(parts.server ?? []),
      ]),
    ]),
  ];
}

/** The one finding of a tree built by `tree(parts)`. */
function message(parts: TreeParts): string {
  return only(checkPlacement(tree(parts))).message;
}

function only(findings: ConfigFinding[]): ConfigFinding {
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe('generated reference table', () => {
  test('src/nginx/reference-data.ts is what the generator writes from the installed @nginx/reference-lib', () => {
    const r = spawnSync(process.execPath, [path.join('scripts', 'gen-nginx-reference.mjs'), '--stdout'], {
      cwd: ROOT, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const committed = readSource(path.join(ROOT, 'src', 'nginx', 'reference-data.ts'));
    // If this fails: run `node scripts/gen-nginx-reference.mjs` and commit the result.
    expect(r.stdout).toBe(committed);
  });

  test('its header names the installed version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@nginx', 'reference-lib', 'package.json'), 'utf8'));
    expect(NGINX_REFERENCE_VERSION).toBe(pkg.version);
    expect(NGINX_CONTEXTS).toEqual(CONTEXTS);
  });

  test('keys are sorted and every row is well-formed', () => {
    const names = Object.keys(NGINX_DIRECTIVES);
    expect(names).toEqual([...names].sort());
    expect(names.length).toBeGreaterThan(500);
    for (const name of names) {
      for (const [contexts, , min, max] of NGINX_DIRECTIVES[name]) {
        expect(contexts.split(',').every(c => NGINX_CONTEXTS.includes(c))).toBe(true);
        expect(min).toBeGreaterThanOrEqual(0);
        expect(max === -1 || max >= min).toBe(true);
      }
    }
  });

  test('no mail or stream directive leaked in', () => {
    for (const name of ['smtp_auth', 'imap_capabilities', 'proxy_protocol_timeout', 'ssl_preread', 'zone_sync', 'proxy_download_rate']) {
      expect(nginxDirectiveForms(name)).toBeUndefined();
    }
  });

  test('every block directive is either a context the checker walks into or a key-value block', () => {
    for (const name of Object.keys(NGINX_DIRECTIVES)) {
      for (const f of forms(name).filter(x => x.block)) {
        for (const context of f.contexts) {
          const inner = blockContentContext(name, context);
          if (KEY_VALUE_BLOCKS.has(name)) {
            expect(inner).toBeUndefined();
          } else {
            expect({ name, context, inner }).toEqual({ name, context, inner: expect.any(String) });
          }
        }
      }
    }
  });
});

describe('syntax rules of the generator', () => {
  test.each([
    ['', 0, 0, false],
    ['<p><code>on</code> | <code>off</code></p>\n', 1, 1, false],
    ['<p><em><code>name</code></em> &hellip;</p>', 1, Infinity, false],
    ['name ...', 1, Infinity, false],
    ['<p>[ <code>=</code> | <code>~</code> | <code>~*</code> | <code>^~</code> ] <em><code>uri</code></em> <code>{...}</code></p>', 1, 2, true],
    ['<p><code>{...}</code></p>', 0, 0, true],
    ['default | off | redirect replacement', 1, 2, false],
    ['name [escape=default|json|none] string …', 2, Infinity, false],
    ['address[:port] [ssl] [http2 | quic] [so_keepalive=on|off|[keepidle]:[keepintvl]:[keepcnt]]', 1, 4, false],
    ['path [level1 [level2 [level3]]]', 1, 4, false],
    ['code … [=[response]] uri', 2, Infinity, false],
    ['[code …] time', 1, Infinity, false],
    ['(condition) {...}', 1, Infinity, true],
    ['address [parameters]', 1, Infinity, false],
    ['$variable module::function|&lsquo;sub { &hellip; }&rsquo;', 2, 2, false],
    ['[SSLv2] [SSLv3] [TLSv1]', 0, 3, false],
  ])('%j takes %d to %d arguments (block: %s)', (syntax, min, max, block) => {
    expect(syntaxBounds(syntax)).toEqual({ min, max, block });
  });

  test('unbalanced brackets are an error, not a guess', () => {
    expect(() => syntaxBounds('[a')).toThrow(/expected \]/);
    expect(() => syntaxBounds('a]')).toThrow(/unbalanced/);
  });

  test("contexts: 'if' is both ifs, '' is everywhere, mail/stream are dropped, anything new is an error", () => {
    expect(normaliseContexts(['if'])).toEqual(['if in server', 'if in location']);
    expect(normaliseContexts(['location', 'if in location'])).toEqual(['location', 'if in location']);
    expect(normaliseContexts([''])).toEqual(CONTEXTS);
    expect(normaliseContexts(['mail', 'stream', 'server'])).toEqual(['server']);
    expect(() => normaliseContexts(['quic_block'])).toThrow(/unknown context "quic_block"/);
  });
});

describe('known facts in the table', () => {
  test('listen is server-only', () => {
    expect(forms('listen')).toEqual([{ contexts: ['server'], block: false, minArgs: 1, maxArgs: expect.any(Number) }]);
  });

  test("add_header is allowed in 'if in location' but not in an if of a server", () => {
    expect(forms('add_header')[0].contexts).toEqual(['http', 'server', 'location', 'if in location']);
    expect(forms('add_header')[0]).toMatchObject({ minArgs: 2, maxArgs: 3 });
  });

  test('proxy_pass: location, if in location, limit_except; not server', () => {
    expect(forms('proxy_pass')).toEqual([{ contexts: ['location', 'if in location', 'limit_except'], block: false, minArgs: 1, maxArgs: 1 }]);
  });

  test('worker_processes is main only, worker_connections events only', () => {
    expect(forms('worker_processes')[0].contexts).toEqual(['main']);
    expect(forms('worker_connections')[0].contexts).toEqual(['events']);
  });

  test('server_name takes 1+ arguments, return 1 to 2, root exactly 1', () => {
    expect(forms('server_name')[0]).toMatchObject({ minArgs: 1 });
    expect(forms('server_name')[0].maxArgs).toBeUndefined();
    expect(forms('return')[0]).toMatchObject({ minArgs: 1, maxArgs: 2, contexts: ['server', 'location', 'if in server', 'if in location'] });
    expect(forms('root')[0]).toMatchObject({ minArgs: 1, maxArgs: 1 });
  });

  test('location is a block in server and location', () => {
    expect(forms('location')).toEqual([{ contexts: ['server', 'location'], block: true, minArgs: 1, maxArgs: 2 }]);
  });

  test('server is a block in http and a simple directive in upstream', () => {
    expect(forms('server')).toEqual([
      { contexts: ['http'], block: true, minArgs: 0, maxArgs: 0 },
      { contexts: ['upstream'], block: false, minArgs: 1 },
    ]);
  });

  test('include is allowed everywhere; the two corrected rows', () => {
    expect(forms('include')[0].contexts).toEqual([...NGINX_CONTEXTS]);
    expect(forms('error_log')[0].maxArgs).toBeUndefined();
    expect(forms('stub_status')[0]).toMatchObject({ minArgs: 0, maxArgs: 1 });
  });

  test('names inherited from Object.prototype are not directives', () => {
    expect(nginxDirectiveForms('constructor')).toBeUndefined();
    expect(nginxDirectiveForms('toString')).toBeUndefined();
  });
});

/** The cases of the checker, also run through nginx -t below. */
const CASES: Array<{ title: string; parts: TreeParts; check?: string; where?: string; nginx?: RegExp }> = [
  {
    title: 'a server-level proxy_pass',
    parts: { server: [Directive.of('proxy_pass', 'http://127.0.0.1:9000')] },
    check: 'directive-context',
    where: 'http > server (localhost) > proxy_pass http://127.0.0.1:9000',
    nginx: /"proxy_pass" directive is not allowed here/,
  },
  {
    title: 'listen in http',
    parts: { http: [Directive.of('listen', '8081')] },
    check: 'directive-context',
    where: 'http > listen 8081',
    nginx: /"listen" directive is not allowed here/,
  },
  {
    title: 'gzip with two arguments',
    parts: { server: [Directive.of('gzip', 'on', 'off')] },
    check: 'directive-arguments',
    where: 'http > server (localhost) > gzip on off',
    nginx: /invalid number of arguments in "gzip" directive/,
  },
  {
    title: 'location without a block',
    parts: { server: [Directive.of('location', '/x')] },
    check: 'block-mismatch',
    where: 'http > server (localhost) > location /x',
    nginx: /directive "location" has no opening "\{"/,
  },
  {
    title: 'an unknown gzipp',
    parts: { server: [Directive.of('gzipp', 'on')] },
    check: 'unknown-directive',
    where: 'http > server (localhost) > gzipp on',
    nginx: /unknown directive "gzipp"/,
  },
  {
    title: 'gzip given a block',
    parts: { server: [Directive.withBlock('gzip', ['on'], [])] },
    check: 'block-mismatch',
    where: 'http > server (localhost) > gzip on',
    nginx: /directive "gzip" is not terminated by ";"/,
  },
  {
    title: 'add_header in an if of a server',
    parts: { server: [Directive.withBlock('if', ['($request_method', '=', 'POST)'], [Directive.of('add_header', 'X-Post', '1')])] },
    check: 'directive-context',
    where: 'http > server (localhost) > if ($request_method = POST) > add_header X-Post 1',
    nginx: /"add_header" directive is not allowed here/,
  },
  {
    title: 'worker_connections in main',
    parts: { main: [Directive.of('worker_connections', '10')] },
    check: 'directive-context',
    where: 'worker_connections 10',
    nginx: /"worker_connections" directive is not allowed here/,
  },
  {
    title: 'worker_processes in events',
    parts: { events: [Directive.of('worker_processes', '1')] },
    check: 'directive-context',
    where: 'events > worker_processes 1',
    nginx: /"worker_processes" directive is not allowed here/,
  },
  {
    title: 'an if nested in an if',
    parts: {
      server: [Directive.withBlock('location', ['/x'], [
        Directive.withBlock('if', ['($uri)'], [Directive.withBlock('if', ['($args)'], [Directive.of('return', '404')])]),
      ])],
    },
    check: 'directive-context',
    where: 'http > server (localhost) > location /x > if ($uri) > if ($args)',
    nginx: /"if" directive is not allowed here/,
  },
  {
    title: 'a block server in an upstream',
    parts: { http: [Directive.withBlock('upstream', ['u'], [Directive.withBlock('server', [], [])])] },
    check: 'block-mismatch',
    where: 'http > upstream u > server',
    nginx: /directive "server" is not terminated by ";"/,
  },
  {
    title: 'return with three arguments',
    parts: { server: [Directive.of('return', '301', 'https://example.com', 'extra')] },
    check: 'directive-arguments',
    where: 'http > server (localhost) > return 301 https://example.com extra',
    nginx: /invalid number of arguments in "return" directive/,
  },
  {
    title: 'if in a server with return',
    parts: { server: [Directive.withBlock('if', ['($request_method', '=', 'POST)'], [Directive.of('return', '405')])] },
  },
  {
    title: 'map entries with arbitrary keys',
    parts: {
      http: [Directive.withBlock('map', ['$http_upgrade', '$connection_upgrade'], [
        Directive.of('default', 'upgrade'),
        Directive.of('', 'close'),
        Directive.of('~^(?<x>websocket) ;{}', 'upgrade'),
        Directive.of('listen', 'server_name'),
      ])],
    },
  },
  {
    title: 'an if in a location with add_header and proxy_pass, limit_except, a nested location, include',
    parts: {
      server: [Directive.withBlock('location', ['/api/'], [
        Directive.withBlock('if', ['($request_method', '=', 'OPTIONS)'], [
          Directive.of('add_header', 'Access-Control-Allow-Origin', '*'),
          Directive.of('proxy_pass', 'http://127.0.0.1:9000'),
        ]),
        Directive.withBlock('limit_except', ['GET', 'HEAD'], [Directive.of('deny', 'all'), Directive.of('proxy_pass', 'http://127.0.0.1:9000')]),
        Directive.withBlock('location', ['/api/v1/'], [Directive.of('proxy_pass', 'http://127.0.0.1:9001')]),
        Directive.of('include', '/etc/nginx/mime.types'),
      ])],
    },
  },
  {
    title: 'an upstream with a parameterised server, keepalive and a types block',
    parts: {
      main: [Directive.of('worker_processes', '2')],
      events: [Directive.of('worker_connections', '64')],
      http: [
        Directive.withBlock('types', [], [Directive.of('text/x-anything', 'weird', 'extensions')]),
        Directive.withBlock('upstream', ['backend'], [
          Directive.of('server', '127.0.0.1:9000', 'weight=5', 'max_fails=3', 'fail_timeout=30s'),
          Directive.of('keepalive', '16'),
        ]),
      ],
      server: [
        Directive.of('error_log', 'stderr', 'debug_http', 'debug_event'),
        Directive.withBlock('location', ['/app/'], [Directive.of('proxy_pass', 'http://backend'), Directive.of('stub_status', 'on')]),
      ],
    },
  },
];

describe('checkPlacement', () => {
  test('the default NginxConfig has no findings', () => {
    expect(checkPlacement(new NginxConfig().effectiveTree())).toEqual([]);
  });

  test('the tree of the tests has no findings by itself', () => {
    expect(checkPlacement(tree())).toEqual([]);
  });

  test.each(CASES.map(c => [c.title, c] as const))('%s', (_title, c) => {
    const findings = checkPlacement(tree(c.parts));
    if (c.check === undefined) {
      expect(findings).toEqual([]);
    } else {
      expect(only(findings)).toEqual({ check: c.check, severity: Severity.ERROR, where: c.where, message: expect.any(String) });
    }
  });

  test('messages say what is wrong and how to fix it', () => {
    const context = message({ server: [Directive.of('proxy_pass', 'http://127.0.0.1:9000')] });
    expect(context).toContain("'proxy_pass' is not allowed in server (NginxServer.addDirective)");
    expect(context).toContain("It is allowed in: location (the directives of addLocation); an 'if' block in a location; limit_except.");
    expect(context).toContain('Move it there');
    expect(message({ http: [Directive.of('listen', '8081')] })).toContain('It is allowed in: server (NginxServer.addDirective)');
    expect(message({ server: [Directive.of('gzip', 'on', 'off')] })).toBe(
      '\'gzip\' takes exactly 1 argument but has 2 ("on" "off"): nginx stops with "invalid number of arguments". '
      + 'Remove the extra arguments; a value that holds spaces is one argument: pass it as one string, the renderer quotes it.');
    expect(message({ server: [Directive.of('return')] })).toBe(
      '\'return\' takes 1 to 2 arguments but has 0: nginx stops with "invalid number of arguments". Add the missing arguments.');
    expect(message({ server: [Directive.of('server_name')] })).toContain("'server_name' takes at least 1 argument but has 0");
    const inLocation = (d: Directive) => ({ server: [Directive.withBlock('location', ['/'], [d])] });
    expect(message(inLocation(Directive.of('internal', 'x')))).toContain("'internal' takes no arguments but has 1");
    expect(message({ server: [Directive.of('location', '/x')] })).toContain("Build it with Directive.withBlock('location', args, children)");
    expect(message({ server: [Directive.withBlock('gzip', ['on'], [])] })).toContain("Build it with Directive.of('gzip', ...args)");
    const unknown = message({ server: [Directive.of('gzipp', 'on')] });
    expect(unknown).toContain("'gzipp' is not an nginx directive of the http modules");
    expect(unknown).toContain("Did you mean 'gzip'?");
    expect(unknown).toContain('Check the spelling, or load the module that provides it with dynamicModules (NginxModules has common ones, such as NginxModules.brotliFilter()).');
    expect(message({ server: [Directive.of('xyzzy_frobnicate')] })).not.toContain('Did you mean');
    expect(message({ main: [Directive.of('constructor')] })).toContain("'constructor' is not an nginx directive");
  });

  test('walks from main: events, http, server and location contexts are told apart', () => {
    const directives = [
      Directive.of('worker_processes', '1'),
      Directive.of('listen', '8080'),
      Directive.withBlock('events', [], [Directive.of('worker_connections', '1'), Directive.of('worker_processes', '1')]),
      Directive.withBlock('http', [], [
        Directive.of('worker_connections', '1'),
        Directive.withBlock('server', [], [
          Directive.of('listen', '8080'),
          Directive.withBlock('location', ['/'], [Directive.of('listen', '8080'), Directive.of('root', '/srv')]),
        ]),
      ]),
    ];
    expect(checkPlacement(directives).map(f => [f.check, f.where])).toEqual([
      ['directive-context', 'listen 8080'],
      ['directive-context', 'events > worker_processes 1'],
      ['directive-context', 'http > worker_connections 1'],
      ['directive-context', 'http > server > location / > listen 8080'],
    ]);
  });

  test('the contents of an unknown block and of key-value blocks are not checked', () => {
    const directives = [Directive.withBlock('http', [], [
      Directive.withBlock('no_such_block', [], [Directive.of('also_unknown')]),
      Directive.withBlock('geo', ['$remote_addr', '$geo'], [Directive.of('10.0.0.0/8', 'internal')]),
      Directive.withBlock('split_clients', ['$remote_addr', '$variant'], [Directive.of('50%', 'a'), Directive.of('*', 'b')]),
    ])];
    expect(checkPlacement(directives).map(f => [f.check, f.where])).toEqual([['unknown-directive', 'http > no_such_block']]);
  });

  test('server: a block in http, a simple directive with 1+ arguments in upstream', () => {
    const upstream = (d: Directive) => tree({ http: [Directive.withBlock('upstream', ['u'], [d])] });
    expect(checkPlacement(upstream(Directive.of('server', '127.0.0.1:9000', 'backup')))).toEqual([]);
    expect(only(checkPlacement(upstream(Directive.of('server')))).check).toBe('directive-arguments');
    expect(only(checkPlacement(tree({ http: [Directive.of('server', 'x')] })))).toMatchObject({ check: 'block-mismatch', where: 'http > server' });
  });
});

const describeNginx = fs.existsSync(HOST_NGINX) ? describe : describe.skip;

describeNginx('the checker agrees with nginx -t (Debian nginx)', () => {
  test.each(CASES.map(c => [c.title, c] as const))('%s', (_title, c) => {
    const r = nginxTest([{ path: 'nginx.conf', content: renderDirectives(tree(c.parts)) }]);
    if (c.nginx === undefined) {
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    } else {
      expect(r.output).toMatch(c.nginx);
      expect(r.ok).toBe(false);
    }
  });
});

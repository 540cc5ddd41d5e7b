import { Directive, walkConfigDirectives, walkDirectives } from '../../src/nginx/directive';
import { MAX_TOKEN_BYTES, NginxRenderError, directiveNameProblem, renderArgument, renderDirectives } from '../../src/nginx/render';
import { checkStructure as checkDirectiveShape } from '../../src/nginx/structure';

/**
 * Reads one rendered argument back the way nginx's lexer (ngx_conf_read_token) does: a bare token is
 * taken as is; a double-quoted token ends at the first unescaped `"`, and inside it `\"`, `\'`, `\\`
 * become the character and `\n`, `\r`, `\t` become newline, carriage return and tab.
 */
function nginxReadBack(token: string): string {
  if (!token.startsWith('"')) {
    if (/[\s;{}"'\\]/.test(token) || token.startsWith('#') || token.length === 0) {
      throw new Error(`bare token ${JSON.stringify(token)} would not survive nginx's lexer`);
    }
    return token;
  }
  let out = '';
  let i = 1;
  for (;;) {
    if (i >= token.length) {
      throw new Error(`unterminated quoted token ${JSON.stringify(token)}`);
    }
    const ch = token[i];
    if (ch === '"') {
      if (i !== token.length - 1) {
        throw new Error(`quoted token ${JSON.stringify(token)} ends before its last character`);
      }
      return out;
    }
    if (ch === '\\' && i + 1 < token.length) {
      const next = token[i + 1];
      if (next === '"' || next === '\'' || next === '\\') {
        out += next;
        i += 2;
        continue;
      }
      if (next === 'n' || next === 'r' || next === 't') {
        out += next === 'n' ? '\n' : next === 'r' ? '\r' : '\t';
        i += 2;
        continue;
      }
    }
    out += ch;
    i += 1;
  }
}

describe('renderArgument', () => {
  test.each([
    'on',
    '200',
    '/usr/share/nginx/html',
    '$remote_addr',
    '/etc/nginx/conf.d/*.conf',
    '=',
    '~*',
    '^~',
    '127.0.0.1:8080',
    '[::]:8080',
    'https://example.com/a?b=1&c=2',
    'ok',
  ])('leaves %j bare', (arg) => {
    expect(renderArgument(arg)).toBe(arg);
  });

  test.each<[string, string]>([
    ['', '""'],
    ['a b', '"a b"'],
    [' leading', '" leading"'],
    ['trailing ', '"trailing "'],
    ['a;b', '"a;b"'],
    [';', '";"'],
    ['a{b', '"a{b"'],
    ['a}b', '"a}b"'],
    ['{', '"{"'],
    ['}', '"}"'],
    ['#comment', '"#comment"'],
    ['a#b', '"a#b"'],
    ["it's", '"it\'s"'],
    ["'", '"\'"'],
  ])('quotes %j as %s', (arg, expected) => {
    expect(renderArgument(arg)).toBe(expected);
  });

  test('escapes a double quote with a backslash', () => {
    expect(renderArgument('say "hi"')).toBe('"say \\"hi\\""');
  });

  test('escapes a backslash by doubling it', () => {
    expect(renderArgument('C:\\dir')).toBe('"C:\\\\dir"');
    expect(renderArgument('\\')).toBe('"\\\\"');
  });

  test('escapes backslash before quote, so an escaped quote is not un-escaped', () => {
    // raw value: a, backslash, quote, b
    expect(renderArgument('a\\"b')).toBe('"a\\\\\\"b"');
  });

  test.each(['a\u0000b', 'x\u001bb', 'del\u007f', 'c1\u0085', 'ls\u2028', 'lone \ud800'])(
    'refuses %j: nginx has no escape for it in a configuration file', (arg) => {
      expect(() => renderArgument(arg)).toThrow(NginxRenderError);
      expect(() => renderArgument(arg)).toThrow(/control character|surrogate/);
    });

  test.each(['ok\n', 'a\rb', 'a\tb', '\r\n', 'User-agent: *\nDisallow: /', '\\n and \n'])(
    'writes the tab, CR and LF of %j as the escapes nginx reads back as them (the security checks judge where they go)', (arg) => {
      const token = renderArgument(arg);
      expect(token).not.toMatch(/[\t\r\n]/);
      expect(nginxReadBack(token)).toBe(arg);
    });

  test('a literal backslash-n (two characters) is kept as two characters', () => {
    expect(renderArgument('a\\nb')).toBe('"a\\\\nb"');
    expect(nginxReadBack(renderArgument('a\\nb'))).toBe('a\\nb');
  });

  test(`refuses a token over nginx's limit of ${MAX_TOKEN_BYTES} bytes as written, counting quotes and escapes`, () => {
    expect(renderArgument('a'.repeat(MAX_TOKEN_BYTES))).toHaveLength(MAX_TOKEN_BYTES);
    expect(() => renderArgument('a'.repeat(MAX_TOKEN_BYTES + 1))).toThrow(/too long parameter/);
    // Quoted: the two quotes count.
    expect(() => renderArgument(`${'a'.repeat(MAX_TOKEN_BYTES - 2)} `)).toThrow(/too long parameter/);
    // Multi-byte characters count in bytes.
    expect(() => renderArgument('é'.repeat(2048))).toThrow(/4096 bytes/);
    // Three-byte characters: a short token (in UTF-16 units) can be right at or just over the limit.
    expect(Buffer.byteLength(renderArgument('€'.repeat(1365)))).toBe(MAX_TOKEN_BYTES);
    expect(() => renderArgument('€'.repeat(1366))).toThrow(/4098 bytes/);
    // Four-byte characters are two UTF-16 units each.
    expect(() => renderArgument('😀'.repeat(1024))).toThrow(/4096 bytes/);
    expect(renderArgument('😀'.repeat(1023))).toHaveLength(2046);
  });

  test('refuses values that are not strings (a jsii caller can pass anything)', () => {
    for (const v of [5, null, undefined, {}, ['a'], true]) {
      expect(() => renderArgument(v as any)).toThrow(/not a string/);
    }
  });

  test('never double-quotes: an argument that already holds quotes is escaped, not passed through', () => {
    expect(renderArgument('"already quoted"')).toBe('"\\"already quoted\\""');
    expect(renderArgument('"x"')).toBe('"\\"x\\""');
    expect(renderArgument('""')).toBe('"\\"\\""');
    expect(renderArgument("'single'")).toBe('"\'single\'"');
    // Rendering the output once more escapes it again: it is never recognised as "already quoted".
    const once = renderArgument('a b');
    expect(renderArgument(once)).toBe('"\\"a b\\""');
  });

  test.each([
    '',
    'plain',
    'a b',
    'say "hi"',
    'C:\\dir\\',
    'a\\"b',
    'a\\nb',
    '"already quoted"',
    "it's",
    '$remote_addr - $remote_user [$time_local] "$request"',
    '^/(\\d{3})/(.*)$',
    '\\',
    '\\\\',
    '"',
    'x;}{#',
  ])('nginx reads %j back unchanged', (arg) => {
    expect(nginxReadBack(renderArgument(arg))).toBe(arg);
  });

  test('round-trips every printable ASCII character', () => {
    const chars = [' '];
    for (let c = 0x21; c < 0x7f; c++) {
      chars.push(String.fromCharCode(c));
    }
    for (const a of chars) {
      for (const b of chars) {
        const arg = `${a}x${b}`;
        expect(nginxReadBack(renderArgument(arg))).toBe(arg);
      }
    }
  });
});

describe('renderDirectives', () => {
  test('renders a simple directive with its arguments', () => {
    expect(renderDirectives([Directive.of('gzip', 'on')])).toBe('gzip on;\n');
    expect(renderDirectives([Directive.of('index', 'index.html', 'index.htm')])).toBe('index index.html index.htm;\n');
  });

  test('renders a directive without arguments', () => {
    expect(renderDirectives([Directive.of('internal')])).toBe('internal;\n');
  });

  test('renders the name through renderArgument too (keys of map/geo/types entries)', () => {
    expect(renderDirectives([Directive.withBlock('map', ['$a', '$b'], [
      Directive.of('', 'empty'),
      Directive.of('~^/a b', 'spaced'),
      Directive.of('default', 'x'),
    ])])).toBe('map $a $b {\n    "" empty;\n    "~^/a b" spaced;\n    default x;\n}\n');
    expect(renderDirectives([Directive.withBlock('types', [], [Directive.of('text/html', 'html', 'htm')])]))
      .toBe('types {\n    text/html html htm;\n}\n');
  });

  test('quotes arguments through renderArgument', () => {
    expect(renderDirectives([Directive.of('return', '200', 'ok then')])).toBe('return 200 "ok then";\n');
    expect(renderDirectives([Directive.of('add_header', 'X-A', 'a; b')])).toBe('add_header X-A "a; b";\n');
  });

  test('renders an empty list as an empty string', () => {
    expect(renderDirectives([])).toBe('');
  });

  test('renders several directives in order, one per line', () => {
    expect(renderDirectives([
      Directive.of('a', '1'),
      Directive.of('b', '2'),
      Directive.of('c', '3'),
    ])).toBe('a 1;\nb 2;\nc 3;\n');
  });

  test('renders an empty block with its braces on separate lines', () => {
    expect(renderDirectives([Directive.withBlock('events', [], [])])).toBe('events {\n}\n');
    expect(renderDirectives([Directive.withBlock('location', ['=', '/x'], [])])).toBe('location = /x {\n}\n');
  });

  test('indents nested blocks by four spaces per level', () => {
    const tree = [
      Directive.of('worker_processes', 'auto'),
      Directive.withBlock('http', [], [
        Directive.of('sendfile', 'on'),
        Directive.withBlock('server', [], [
          Directive.of('listen', '8080'),
          Directive.withBlock('location', ['/'], [
            Directive.of('try_files', '$uri', '=404'),
          ]),
          Directive.withBlock('location', ['=', '/empty'], []),
        ]),
      ]),
    ];
    expect(renderDirectives(tree)).toBe([
      'worker_processes auto;',
      'http {',
      '    sendfile on;',
      '    server {',
      '        listen 8080;',
      '        location / {',
      '            try_files $uri =404;',
      '        }',
      '        location = /empty {',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'));
  });

  test('starts at the given depth', () => {
    expect(renderDirectives([Directive.withBlock('b', [], [Directive.of('c')])], 2))
      .toBe('        b {\n            c;\n        }\n');
  });

  test('uses spaces only, never tabs, for indentation', () => {
    const text = renderDirectives([Directive.withBlock('a', [], [Directive.withBlock('b', [], [Directive.of('c')])])]);
    expect(text).not.toContain('\t');
    expect(text).toContain('\n        c;\n');
  });

  test('is deterministic: the same tree, or an equal one, renders to the same bytes', () => {
    const build = () => [
      Directive.of('worker_processes', 'auto'),
      Directive.withBlock('events', [], [Directive.of('worker_connections', '1024')]),
      Directive.withBlock('http', [], [Directive.of('log_format', 'main', '$a "$b"')]),
    ];
    const tree = build();
    const first = renderDirectives(tree);
    expect(renderDirectives(tree)).toBe(first);
    expect(renderDirectives(build())).toBe(first);
    // Rendering does not change the tree.
    expect(tree[2].block![0].args).toEqual(['main', '$a "$b"']);
  });
});

describe('checkDirectiveShape', () => {
  test('accepts valid names at every depth', () => {
    const tree = [
      Directive.of('worker_processes', 'auto'),
      Directive.withBlock('http', [], [
        Directive.of('_private'),
        Directive.withBlock('server', [], [Directive.of('proxy_pass', 'http://x:1')]),
        Directive.of('ssl_protocols', 'TLSv1.3'),
        Directive.of('http2'),
      ]),
    ];
    expect(checkDirectiveShape(tree, 'nginx.conf')).toEqual([]);
  });

  test.each(['Gzip', 'GZIP', 'gzip on', ' gzip', 'gzip;', ';', '', '1gzip', 'proxy-pass', 'a{', 'a#'])(
    'rejects %j at the top level, saying what is allowed',
    (name) => {
      const problems = checkDirectiveShape([Directive.of(name, 'x')], 'nginx.conf');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`directive name ${JSON.stringify(name)} is not a valid nginx directive name`);
      expect(problems[0]).toMatch(/^nginx\.conf: /);
      expect(problems[0]).toMatch(/lower-case letters, digits and '_'/);
    },
  );

  test.each(['Gzip', 'gzip on', 'gzip;', ''])('rejects %j deep inside blocks, naming where it is', (name) => {
    const tree = [
      Directive.withBlock('http', [], [
        Directive.of('sendfile', 'on'),
        Directive.withBlock('server', [], [
          Directive.withBlock('location', ['/'], [Directive.of(name)]),
        ]),
      ]),
    ];
    const problems = checkDirectiveShape(tree, 'nginx.conf');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^nginx\.conf > http > server > location \/: directive name /);
    expect(problems[0]).toContain(JSON.stringify(name));
  });

  test('reports a bad block name and still checks its children', () => {
    const tree = [Directive.withBlock('Http', [], [Directive.of('BAD')])];
    const problems = checkDirectiveShape(tree, 'f');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"Http"');
    expect(problems[1]).toMatch(/^f > Http: directive name "BAD"/);
  });

  test.each(['map', 'geo', 'types', 'split_clients', 'charset_map'])(
    'accepts any key inside a %s block, but still checks the block name and its siblings',
    (block) => {
      const tree = [
        Directive.withBlock('http', [], [
          Directive.withBlock(block, ['$a', '$b'], [
            Directive.of('', 'x'),
            Directive.of('10.0.0.0/8', 'y'),
            Directive.of('text/html', 'html'),
            Directive.of('50%', 'z'),
            Directive.of('*', 'w'),
          ]),
          Directive.of('Bad'),
        ]),
      ];
      const problems = checkDirectiveShape(tree, 'nginx.conf');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^nginx\.conf > http: directive name "Bad"/);
    },
  );

  test('checks the entries of a block that is not a key-value block', () => {
    const problems = checkDirectiveShape([Directive.withBlock('maps', [], [Directive.of('10.0.0.0/8', 'y')])], 'f');
    expect(problems).toEqual([expect.stringMatching(/^f > maps: directive name "10\.0\.0\.0\/8"/)]);
  });

  test('reports every bad name, not only the first', () => {
    const problems = checkDirectiveShape([Directive.of('A'), Directive.of('ok'), Directive.of('B')], 'x');
    expect(problems).toHaveLength(2);
  });
});

describe('Directive', () => {
  test('of() builds a simple directive', () => {
    const d = Directive.of('gzip', 'on');
    expect(d.name).toBe('gzip');
    expect(d.args).toEqual(['on']);
    expect(d.block).toBeUndefined();
    expect(d.isBlock).toBe(false);
  });

  test('withBlock() builds a block directive, even an empty one', () => {
    const d = Directive.withBlock('events', [], []);
    expect(d.isBlock).toBe(true);
    expect(d.block).toEqual([]);
  });

  test('is frozen, with frozen args and block', () => {
    const child = Directive.of('internal');
    const d = Directive.withBlock('location', ['=', '/x'], [child]);
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.args)).toBe(true);
    expect(Object.isFrozen(d.block)).toBe(true);
    expect(Object.isFrozen(child)).toBe(true);
  });

  test('mutation throws in strict mode and leaves the directive unchanged', () => {
    const d = Directive.withBlock('location', ['/'], [Directive.of('internal')]);
    expect(() => {
      (d as { name: string }).name = 'server';
    }).toThrow(TypeError);
    expect(() => {
      d.args[0] = '/other';
    }).toThrow(TypeError);
    expect(() => d.args.push('x')).toThrow(TypeError);
    expect(() => d.block!.push(Directive.of('gzip', 'on'))).toThrow(TypeError);
    expect(() => {
      (d as { block?: Directive[] }).block = [];
    }).toThrow(TypeError);
    expect(d.name).toBe('location');
    expect(d.args).toEqual(['/']);
    expect(d.block!.map(c => c.name)).toEqual(['internal']);
    expect(renderDirectives([d])).toBe('location / {\n    internal;\n}\n');
  });

  test('copies the arrays it is given, so later changes to them have no effect', () => {
    const args = ['a', 'b'];
    const children = [Directive.of('c')];
    const d = Directive.withBlock('x', args, children);
    args.push('z');
    args[0] = 'changed';
    children.push(Directive.of('d'));
    expect(d.args).toEqual(['a', 'b']);
    expect(d.block!.map(c => c.name)).toEqual(['c']);
    const rest = ['1'];
    const s = Directive.of('y', ...rest);
    rest[0] = '2';
    expect(s.args).toEqual(['1']);
  });
});

describe('walkDirectives', () => {
  test('visits depth first with the parent chain', () => {
    const tree = [
      Directive.withBlock('http', [], [
        Directive.withBlock('server', [], [Directive.of('listen', '8080')]),
        Directive.of('sendfile', 'on'),
      ]),
      Directive.of('pid', '/dev/shm/nginx.pid'),
    ];
    const seen: string[] = [];
    walkDirectives(tree, (d, parents) => seen.push([...parents.map(p => p.name), d.name].join('>')));
    expect(seen).toEqual(['http', 'http>server', 'http>server>listen', 'http>sendfile', 'pid']);
  });

  const walkTree = () => [
    Directive.withBlock('http', [], [
      Directive.withBlock('map', ['$a', '$b'], [Directive.of('default', 'x')]),
      Directive.withBlock('server', [], [Directive.of('listen', '8080')]),
    ]),
  ];
  const names = (walker: typeof walkDirectives, tree: readonly Directive[], parents: readonly Directive[] = []) => {
    const seen: string[] = [];
    walker(tree, (d, chain) => seen.push([...chain.map(p => p.name), d.name].join('>')), parents);
    return seen;
  };

  test('a frozen tree walks the same every time (its steps are kept), per kind of walk, with parents that cannot be changed', () => {
    const tree = Object.freeze(walkTree());
    const all = ['http', 'http>map', 'http>map>default', 'http>server', 'http>server>listen'];
    const config = ['http', 'http>map', 'http>server', 'http>server>listen'];
    for (let i = 0; i < 2; i++) {
      expect(names(walkDirectives, tree)).toEqual(all);
      expect(names(walkConfigDirectives, tree)).toEqual(config);
    }
    walkDirectives(tree, (_d, parents) => expect(Object.isFrozen(parents)).toBe(true));
  });

  test('a list that is not frozen is walked afresh: a directive added after a walk is visited by the next', () => {
    const tree = walkTree();
    expect(names(walkDirectives, tree)).toHaveLength(5);
    tree.push(Directive.of('pid', '/dev/shm/nginx.pid'));
    expect(names(walkDirectives, tree)).toHaveLength(6);
    expect(names(walkConfigDirectives, tree)).toEqual(['http', 'http>map', 'http>server', 'http>server>listen', 'pid']);
  });

  test('a walk given a parent chain starts below it, also for a frozen list', () => {
    const server = Object.freeze([Directive.of('listen', '8080')]);
    const http = Directive.withBlock('http', [], []);
    expect(names(walkDirectives, server, [http])).toEqual(['http>listen']);
    expect(names(walkDirectives, server)).toEqual(['listen']);
    expect(names(walkDirectives, server, [http])).toEqual(['http>listen']);
  });
});

describe('what renderDirectives refuses, and how it says so', () => {
  const thrown = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error('did not throw');
  };

  test('an entry that is not a Directive, even one shaped like it', () => {
    const e = thrown(() => renderDirectives([{ name: 'gzip', args: ['on'] } as any]));
    expect(e).toBeInstanceOf(NginxRenderError);
    expect(e.name).toBe('NginxRenderError');
    expect(e.message).toBe('an object is not a Directive; build it with Directive.of or Directive.withBlock.');
  });

  test('a directive whose arguments are not a list', () => {
    expect(thrown(() => renderDirectives([Directive.withBlock('location', '/x' as any, [])])).message)
      .toBe('directive "location": its arguments are "/x", not a list of strings; pass a list such as [\'/x\'].');
  });

  test('a bad directive name, at the top level too (only entries of key-value blocks may be any text)', () => {
    expect(thrown(() => renderDirectives([Directive.of('Gzip', 'on')])).message)
      .toBe('directive name "Gzip" is not a valid nginx directive name; use lower-case letters, digits and \'_\' only, starting with a letter or \'_\'.');
    expect(renderDirectives([Directive.withBlock('map', ['$a', '$b'], [Directive.of('~^Gzip X', '1')])])).toBe('map $a $b {\n    "~^Gzip X" 1;\n}\n');
  });

  test('a directive name that is not a string', () => {
    expect(directiveNameProblem(5)).toBe('is a number, not a string');
    expect(directiveNameProblem('gzip')).toBeUndefined();
  });

  test('an empty block renders as an opening and a closing line', () => {
    expect(renderDirectives([Directive.withBlock('http', [], [Directive.withBlock('events', [], [])])])).toBe('http {\n    events {\n    }\n}\n');
  });
});

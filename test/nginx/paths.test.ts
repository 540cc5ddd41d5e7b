import { NGINX_CONF_DIR, NGINX_HTML_DIR, checkAbsolutePath, isUnder } from '../../src/nginx/paths';

describe('image folders', () => {
  test('nginx reads its config from /etc/nginx and serves /usr/share/nginx/html', () => {
    expect(NGINX_CONF_DIR).toBe('/etc/nginx');
    expect(NGINX_HTML_DIR).toBe('/usr/share/nginx/html');
  });
});

describe('isUnder', () => {
  test.each<[string, string, boolean]>([
    ['/dev/shm', '/dev/shm', true],
    ['/dev/shm/client_temp', '/dev/shm', true],
    ['/dev/shm/a/b', '/dev/shm', true],
    ['/dev/shmx', '/dev/shm', false],
    ['/dev', '/dev/shm', false],
    ['/tmp/x', '/dev/shm', false],
    // Trailing slashes on the folder do not matter, however many.
    ['/dev/shm/x', '/dev/shm/', true],
    ['/dev/shm/x', '/dev/shm//', true],
    ['/dev/shm', '/dev/shm///', true],
    ['/dev/shmx', '/dev/shm/', false],
    // The root folder holds everything, also when written with extra slashes.
    ['/etc/nginx', '/', true],
    ['/', '/', true],
    ['/etc/nginx', '//', true],
    // `..` and `.` segments are resolved before comparing, on both sides.
    ['/dev/shm/../../etc/passwd', '/dev/shm', false],
    ['/dev/shm/a/../b', '/dev/shm', true],
    ['/var/cache/../../dev/shm/x', '/dev/shm', true],
    ['/dev/shm/x', '/dev/tmp/../shm', true],
    ['/dev/shm/./x', '/dev/./shm', true],
    ['/dev//shm/x', '/dev/shm', true],
  ])('%j under %j: %s', (child, parent, expected) => {
    expect(isUnder(child, parent)).toBe(expected);
  });
});

describe('checkAbsolutePath', () => {
  const example = '/dev/shm/client_temp';

  test.each(['/dev/shm', '/dev/shm/client_temp', '/', '/a.b/c-d_e/f~g@h:i', '/a/.../b', '/a/..b/c..'])('accepts %j', (value) => {
    expect(checkAbsolutePath(value, 'client_body_temp_path', example)).toEqual([]);
  });

  test.each(['dev/shm', '', './x', '../x', ' /x', '~/x'])('refuses %j: not absolute', (value) => {
    expect(checkAbsolutePath(value, 'client_body_temp_path', example)).toEqual([
      `client_body_temp_path ${JSON.stringify(value)} is not an absolute path; nginx resolves relative paths against its prefix, which differs between images. Use an absolute path such as ${example}.`,
    ]);
  });

  test.each(['/..', '/../etc', '/dev/shm/../../etc', '/dev/shm/..', '/a//../b'])('refuses %j: a .. segment', (value) => {
    expect(checkAbsolutePath(value, 'proxy_temp_path', example)).toEqual([
      `proxy_temp_path ${JSON.stringify(value)} contains '..'; write the path without '..' segments, such as ${example}.`,
    ]);
  });

  test.each(['/a b', '/a\tb', '/a\nb', '/a;b', '/a{b', '/a}b', '/a"b', "/a'b", '/a\\b', '/a\u00a0b', '/x '])('refuses %j: a character nginx would read as syntax', (value) => {
    expect(checkAbsolutePath(value, 'root', example)).toEqual([
      `root ${JSON.stringify(value)} contains whitespace, a quote, a backslash, ';', '{' or '}'; use a plain absolute path such as ${example}.`,
    ]);
  });

  test('reports one problem, the first: a relative path with .. and a space is "not absolute"', () => {
    expect(checkAbsolutePath('../a b', 'root', example)).toEqual([expect.stringContaining('is not an absolute path')]);
    expect(checkAbsolutePath('/../a b', 'root', example)).toEqual([expect.stringContaining("contains '..'")]);
  });
});

import { checkPinnedImageReference, parseImageReference } from '../../src/image/image-reference';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageReference', () => {
  test.each<[string, string, string | undefined, string | undefined]>([
    ['nginx', 'nginx', undefined, undefined],
    ['nginx:1.27.0-alpine', 'nginx', '1.27.0-alpine', undefined],
    ['nginx:latest', 'nginx', 'latest', undefined],
    [`nginx@${DIGEST}`, 'nginx', undefined, DIGEST],
    [`nginx:1.27.0-alpine@${DIGEST}`, 'nginx', '1.27.0-alpine', DIGEST],
    [`nginx:latest@${DIGEST}`, 'nginx', 'latest', DIGEST],
    ['docker.io/library/nginx:1.27', 'docker.io/library/nginx', '1.27', undefined],
    ['localhost:5000/x:1', 'localhost:5000/x', '1', undefined],
    ['localhost:5000/x', 'localhost:5000/x', undefined, undefined],
    [`localhost:5000/team/x@${DIGEST}`, 'localhost:5000/team/x', undefined, DIGEST],
    [`registry.example.com:443/a/b:v2@${DIGEST}`, 'registry.example.com:443/a/b', 'v2', DIGEST],
    ['nginx@sha256:abc', 'nginx', undefined, 'sha256:abc'],
    // A digest alone, with no repository before it: the whole text after '@' is the digest.
    [`@${DIGEST}`, '', undefined, DIGEST],
    ['@', '', undefined, ''],
    // A colon before the last slash is a registry port, never a tag.
    ['a:1/b', 'a:1/b', undefined, undefined],
    ['a/b:c/d', 'a/b:c/d', undefined, undefined],
    // One name with no slash: untagged unless it has a colon.
    ['n', 'n', undefined, undefined],
    ['nginx:', 'nginx', '', undefined],
    [':1', '', '1', undefined],
  ])('%s', (ref, repository, tag, digest) => {
    expect(parseImageReference(ref)).toEqual({ repository, tag, digest });
  });
});

describe('checkPinnedImageReference', () => {
  test.each([
    'nginx:1.27.0-alpine',
    'nginx:1.27',
    'nginx:stable',
    `nginx@${DIGEST}`,
    `nginx:1.27.0-alpine@${DIGEST}`,
    'docker.io/library/nginx:1.27.0',
    'localhost:5000/x:1',
    `localhost:5000/x@${DIGEST}`,
    'ghcr.io/my-org/my_image:v1.0.0',
    'a.b-c/d__e/f--g:1',
    `nginx:${'a'.repeat(128)}`,
  ])('accepts %s', (ref) => {
    expect(checkPinnedImageReference(ref, 'baseImage')).toEqual([]);
  });

  test("accepts 'latest' pinned by a digest", () => {
    expect(checkPinnedImageReference(`nginx:latest@${DIGEST}`, 'baseImage')).toEqual([]);
  });

  test.each(['nginx', 'localhost:5000/x', 'docker.io/library/nginx'])('rejects %s: no tag or digest', (ref) => {
    const problems = checkPinnedImageReference(ref, 'baseImage');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(`baseImage ${JSON.stringify(ref)} has no tag or digest, so every build may take a different image; pin it, for example nginx:1.30.6-alpine or nginx:1.30.6-alpine@sha256:<digest>.`);
  });

  test.each(['nginx:latest', 'localhost:5000/x:latest'])("rejects %s: 'latest' moves", (ref) => {
    const problems = checkPinnedImageReference(ref, 'baseImage');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^baseImage ${JSON.stringify(ref)} uses the 'latest' tag, which moves`));
    expect(problems[0]).toMatch(/pin a version tag or a digest, for example nginx:1\.30\.6-alpine/);
  });

  test.each([
    'nginx@sha256:abc',
    `nginx@sha256:${'A'.repeat(64)}`,
    `nginx@sha256:${'a'.repeat(63)}`,
    `nginx@sha256:${'a'.repeat(65)}`,
    `nginx@sha512:${'a'.repeat(64)}`,
    `nginx@${'a'.repeat(64)}`,
    `nginx@x${DIGEST}`,
    `nginx@sha256:sha256:${'a'.repeat(64)}`,
    `nginx@${DIGEST}0`,
    `nginx@${DIGEST}\n`,
    `nginx@${DIGEST} `,
    'nginx:1.27@',
    `nginx:latest@sha256:${'g'.repeat(64)}`,
  ])('rejects %s: invalid digest', (ref) => {
    const problems = checkPinnedImageReference(ref, 'baseImage');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^baseImage ${JSON.stringify(ref).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has an invalid digest`));
    expect(problems[0]).toMatch(/write it as sha256: followed by 64 lower-case hex digits/);
  });

  test.each([
    'Nginx:1.27',
    'nginx/UPPER:1',
    'ngi nx:1',
    'nginx!:1',
    '/nginx:1',
    'nginx/:1',
    'nginx//x:1',
    '-nginx:1',
    'nginx-:1',
    ':1',
    '',
    `@${DIGEST}`,
    'localhost:port/x:1',
    'a/b:c/d',
    // A registry port without a path after it: Docker reads no repository there.
    'nginx:1:2',
    'localhost:5000:1',
    `localhost:5000:1@${DIGEST}`,
  ])('rejects %j: invalid repository', (ref) => {
    const problems = checkPinnedImageReference(ref, 'image');
    expect(problems).toEqual([
      `image ${JSON.stringify(ref)} is not a valid image reference; write it as repository[:tag][@sha256:digest], for example nginx:1.30.6-alpine or nginx:1.30.6-alpine@sha256:<digest>.`,
    ]);
  });

  test.each(['nginx:', 'nginx:-x', 'nginx:.x', 'nginx:a+b', `nginx:${'a'.repeat(129)}`])('rejects %s: invalid tag', (ref) => {
    const problems = checkPinnedImageReference(ref, 'baseImage');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/has an invalid tag/);
    expect(problems[0]).toMatch(/tags are letters, digits, '_', '\.' and '-'/);
  });

  test('names the reference with the given label', () => {
    expect(checkPinnedImageReference('nginx', 'NginxImage baseImage')[0]).toMatch(/^NginxImage baseImage "nginx"/);
  });

  test('reports a bad tag and a bad digest together', () => {
    const problems = checkPinnedImageReference('nginx:+@sha256:x', 'baseImage');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/invalid tag "\+"/);
    expect(problems[1]).toMatch(/invalid digest/);
  });
});

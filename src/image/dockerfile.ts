/**
 * A Dockerfile as data. Instructions carry their arguments as values (paths, words, labels, numbers),
 * never as pre-formatted text, and `renderDockerfile` is the only place that turns them into Dockerfile
 * syntax: it quotes what can be quoted with certainty and refuses (throws) what cannot.
 *
 * - COPY, VOLUME and CMD are written in the JSON (exec) form.
 * - RUN is a list of commands, each a list of shell words; every word is POSIX single-quoted
 *   (`quoteShellWord`), and the commands are joined with `&&`.
 * - LABEL values are written `key="value"` with `\`, `"` and `$` escaped, so the builder expands nothing.
 * - Where the builder substitutes variables and no escape is certain (COPY and VOLUME paths, FROM, USER,
 *   COPY flags), a value holding `$` or a backslash is refused, and so is whitespace outside the JSON form.
 * - A control character (it would end the instruction) is refused everywhere.
 */

import { characterProblem } from '../input/reader';

/** `FROM image [AS stageName]`: starts a build stage. */
export interface FromInstruction {
  readonly kind: 'FROM';
  /** Image reference (`scratch` for an empty stage). */
  readonly image: string;
  /** Name later stages refer to (`COPY --from=`). */
  readonly stageName?: string;
}

/** `COPY [--from=..] [--chown=..] ["source", ..., "destination"]`. */
export interface CopyInstruction {
  readonly kind: 'COPY';
  /** Paths in the build context (or in the `from` stage); literal, never patterns. */
  readonly sources: readonly string[];
  /** Destination path; ends with `/` when there is more than one source. */
  readonly destination: string;
  /** Stage or image the sources come from. */
  readonly from?: string;
  /** Owner of the copies, `user[:group]` (names or ids). */
  readonly chown?: string;
}

/** `RUN cmd && cmd ...` (shell form): each command is a list of shell words, quoted by the renderer. */
export interface RunInstruction {
  readonly kind: 'RUN';
  readonly commands: ReadonlyArray<readonly string[]>;
}

/** `LABEL key="value" ...`, keys sorted. */
export interface LabelInstruction {
  readonly kind: 'LABEL';
  readonly labels: { readonly [key: string]: string };
}

/** `VOLUME ["path", ...]`. */
export interface VolumeInstruction {
  readonly kind: 'VOLUME';
  readonly paths: readonly string[];
}

/** `USER uid[:gid]`, numeric. */
export interface UserInstruction {
  readonly kind: 'USER';
  readonly uid: number;
  readonly gid?: number;
}

/** `EXPOSE port/tcp ...`. */
export interface ExposeInstruction {
  readonly kind: 'EXPOSE';
  readonly ports: readonly number[];
}

/** `STOPSIGNAL signal`. */
export interface StopSignalInstruction {
  readonly kind: 'STOPSIGNAL';
  /** Signal name (`SIGQUIT`) or number. */
  readonly signal: string;
}

/** `CMD ["argv0", ...]` (exec form). */
export interface CmdInstruction {
  readonly kind: 'CMD';
  readonly argv: readonly string[];
}

/** A `# text` comment line. */
export interface CommentLine {
  readonly kind: 'comment';
  readonly text: string;
}

/** Any instruction (or comment) the renderer knows. */
export type DockerfileInstruction =
  | FromInstruction
  | CopyInstruction
  | RunInstruction
  | LabelInstruction
  | VolumeInstruction
  | UserInstruction
  | ExposeInstruction
  | StopSignalInstruction
  | CmdInstruction
  | CommentLine;

/** What may follow a stage's `FROM`. */
export type StageInstruction = Exclude<DockerfileInstruction, FromInstruction>;

/** One build stage: comments, a `FROM` and its instructions. */
export interface DockerfileStage {
  /** Comment lines written above the `FROM`. */
  readonly comments?: readonly string[];
  readonly from: FromInstruction;
  readonly instructions: readonly StageInstruction[];
}

/** A whole Dockerfile. */
export interface DockerfileDocument {
  /** The `# syntax=` parser directive (first line), for example `docker/dockerfile:1`. */
  readonly syntax?: string;
  /** Comment lines after the directive. */
  readonly header?: readonly string[];
  readonly stages: readonly DockerfileStage[];
}


/** Words POSIX sh reads as themselves without quotes. */
const BARE_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;
/** Words sh reads as syntax when they come first: quoted there, they stay a command name. */
const RESERVED_WORDS = new Set(['case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'until', 'while']);

const LABEL_KEY = /^[A-Za-z0-9._/-]+$/;
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const COPY_FROM = /^[A-Za-z0-9][A-Za-z0-9_.:/@-]*$/;
const CHOWN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
const SIGNAL = /^(?:SIG[A-Z0-9+-]+|[1-9][0-9]*)$/;
/** A comment that a builder could take for a parser directive (`# escape=`, `# syntax=`, `# check=`). */
const DIRECTIVE_LIKE = /^\s*[A-Za-z][A-Za-z0-9_-]*\s*=/;

function refuse(instruction: string, what: string, value: string, why: string): never {
  throw new Error(`Dockerfile ${instruction}: ${what} ${JSON.stringify(value)} ${why}; the renderer refuses to write a value the builder could read differently.`);
}

/** Refuses control characters and lone surrogates: allowed nowhere. */
function checkText(instruction: string, what: string, value: string): void {
  if (typeof value !== 'string') refuse(instruction, what, String(value), 'is not a string');
  // A line break would end the instruction; the same characters are refused in every output.
  const problem = characterProblem(value);
  if (problem) refuse(instruction, what, value, problem);
}

/**
 * Refuses what the builder's variable substitution would touch (`$`, a backslash) and, outside the JSON
 * form, whitespace; and an empty value.
 */
function checkLiteral(instruction: string, what: string, value: string, inJsonForm = false): void {
  checkText(instruction, what, value);
  if (value === '') refuse(instruction, what, value, 'is empty');
  if (value.includes('$')) refuse(instruction, what, value, "contains '$', which the builder substitutes as a variable");
  if (value.includes('\\')) refuse(instruction, what, value, 'contains a backslash, the builder\'s escape character');
  if (!inJsonForm && /\s/.test(value)) refuse(instruction, what, value, 'contains whitespace, which splits the arguments');
}

function checkPattern(instruction: string, what: string, value: string, pattern: RegExp, expected: string): void {
  checkText(instruction, what, value);
  if (!pattern.test(value)) refuse(instruction, what, value, `is not ${expected}`);
}

function checkList(instruction: string, what: string, list: readonly unknown[]): void {
  if (!Array.isArray(list) || list.length === 0) throw new Error(`Dockerfile ${instruction}: needs at least one ${what}.`);
}

function checkId(instruction: string, what: string, id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) refuse(instruction, what, String(id), 'is not a whole number from 0 up');
}

/** The JSON (exec) form of a list of strings. */
function jsonForm(values: readonly string[]): string {
  return `[${values.map(v => JSON.stringify(v)).join(', ')}]`;
}

/**
 * One shell word for POSIX sh: bare when it holds only `[A-Za-z0-9_./:=@%+,-]`, otherwise single-quoted,
 * each `'` written `'\''`. Refuses control characters (a newline would end the Dockerfile instruction).
 */
export function quoteShellWord(word: string): string {
  checkText('RUN', 'the shell word', word);
  return BARE_WORD.test(word) ? word : forceQuote(word);
}

function forceQuote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * One simple command: its words quoted and joined with spaces. The first word is always a command name:
 * it is quoted when sh would read it as an assignment (`a=b`) or a reserved word (`if`).
 */
export function renderShellCommand(words: readonly string[]): string {
  checkList('RUN', 'word in each command', words);
  return words.map((w, i) => {
    const quoted = quoteShellWord(w);
    return i === 0 && (w.includes('=') || RESERVED_WORDS.has(w)) ? forceQuote(w) : quoted;
  }).join(' ');
}

/** `key="value"` for LABEL: `\`, `"` and `$` are escaped, so the builder substitutes nothing. */
export function labelPair(key: string, value: string): string {
  checkPattern('LABEL', 'the key', key, LABEL_KEY, "a label key of letters, digits, '.', '_', '-' and '/'");
  checkText('LABEL', `the value of ${key}`, value);
  return `${key}="${value.replace(/[\\"$]/g, c => `\\${c}`)}"`;
}

/** The text of one instruction (possibly several lines joined by continuations), without a newline. */
export function renderInstruction(i: DockerfileInstruction): string {
  switch (i.kind) {
    case 'FROM': {
      checkLiteral('FROM', 'the image', i.image);
      if (i.stageName === undefined) return `FROM ${i.image}`;
      checkPattern('FROM', 'the stage name', i.stageName, STAGE_NAME, "a name of letters, digits, '_', '.' and '-' that starts with a letter");
      return `FROM ${i.image} AS ${i.stageName}`;
    }
    case 'COPY': {
      checkList('COPY', 'source', i.sources);
      const flags: string[] = [];
      if (i.from !== undefined) {
        checkLiteral('COPY', 'the --from stage', i.from);
        checkPattern('COPY', 'the --from stage', i.from, COPY_FROM, 'a stage name or an image reference');
        flags.push(`--from=${i.from}`);
      }
      if (i.chown !== undefined) {
        checkPattern('COPY', 'the --chown owner', i.chown, CHOWN, "'user[:group]' of letters, digits, '_', '.' and '-'");
        flags.push(`--chown=${i.chown}`);
      }
      for (const s of i.sources) {
        checkLiteral('COPY', 'the source', s, true);
        if (/[*?[]/.test(s)) refuse('COPY', 'the source', s, "contains '*', '?' or '[', which COPY reads as a pattern");
      }
      checkLiteral('COPY', 'the destination', i.destination, true);
      if (i.sources.length > 1 && !i.destination.endsWith('/')) {
        refuse('COPY', 'the destination', i.destination, 'does not end with \'/\' although there are several sources');
      }
      return ['COPY', ...flags, jsonForm([...i.sources, i.destination])].join(' ');
    }
    case 'RUN':
      checkList('RUN', 'command', i.commands);
      return `RUN ${i.commands.map(renderShellCommand).join(' && \\\n    ')}`;
    case 'LABEL': {
      const keys = Object.keys(i.labels).sort();
      checkList('LABEL', 'label', keys);
      return `LABEL ${keys.map(k => labelPair(k, i.labels[k])).join(' \\\n      ')}`;
    }
    case 'VOLUME':
      checkList('VOLUME', 'path', i.paths);
      for (const p of i.paths) checkLiteral('VOLUME', 'the path', p, true);
      return `VOLUME ${jsonForm(i.paths)}`;
    case 'USER':
      checkId('USER', 'the uid', i.uid);
      if (i.gid === undefined) return `USER ${i.uid}`;
      checkId('USER', 'the gid', i.gid);
      return `USER ${i.uid}:${i.gid}`;
    case 'EXPOSE':
      checkList('EXPOSE', 'port', i.ports);
      for (const p of i.ports) {
        if (!Number.isInteger(p) || p < 1 || p > 65535) refuse('EXPOSE', 'the port', String(p), 'is not a port from 1 to 65535');
      }
      return `EXPOSE ${i.ports.map(p => `${p}/tcp`).join(' ')}`;
    case 'STOPSIGNAL':
      checkPattern('STOPSIGNAL', 'the signal', i.signal, SIGNAL, "a signal name such as 'SIGQUIT' or a number");
      return `STOPSIGNAL ${i.signal}`;
    case 'CMD':
      checkList('CMD', 'argument', i.argv);
      for (const a of i.argv) checkText('CMD', 'the argument', a);
      return `CMD ${jsonForm(i.argv)}`;
    case 'comment':
      checkText('comment', 'the text', i.text);
      if (DIRECTIVE_LIKE.test(i.text)) refuse('comment', 'the text', i.text, 'looks like a parser directive (key=value)');
      return i.text === '' ? '#' : `# ${i.text}`;
    default: {
      const unknown: never = i;
      throw new Error(`Dockerfile: unknown instruction ${JSON.stringify(unknown)}.`);
    }
  }
}

/** Renders a Dockerfile. Pure: the same document always gives the same bytes, or the same error. */
export function renderDockerfile(doc: DockerfileDocument): string {
  const out: string[] = [];
  if (doc.syntax !== undefined) {
    checkLiteral('syntax directive', 'the frontend', doc.syntax);
    out.push(`# syntax=${doc.syntax}`);
  }
  const comment = (text: string) => renderInstruction({ kind: 'comment', text });
  out.push(...(doc.header ?? []).map(comment));
  for (const stage of doc.stages) {
    if (out.length > 0) out.push('');
    out.push(...(stage.comments ?? []).map(comment));
    out.push(renderInstruction(stage.from));
    for (const i of stage.instructions) {
      if ((i as DockerfileInstruction).kind === 'FROM') throw new Error('Dockerfile: a FROM inside a stage; start a new stage instead.');
      out.push(renderInstruction(i));
    }
  }
  return `${out.join('\n')}\n`;
}

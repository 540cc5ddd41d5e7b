/** One Dockerfile instruction: a keyword and its already-formatted arguments. */
export interface DockerfileInstruction {
  /** Keyword in upper case, for example `COPY`. */
  readonly keyword: string;
  /** Arguments, as they appear after the keyword. */
  readonly value: string;
}

/** One build stage: a `FROM` and its instructions. */
export interface DockerfileStage {
  /** Image the stage starts from (`scratch` for an empty one). */
  readonly from: string;
  /** Stage name (`AS name`), if any. */
  readonly name?: string;
  /** Instructions after `FROM`. */
  readonly instructions: DockerfileInstruction[];
  /** Comment lines written above the `FROM`. */
  readonly comment?: string[];
}

/** The JSON (exec) form of a list of strings, as COPY, CMD and RUN accept it. */
export function execForm(args: readonly string[]): string {
  return JSON.stringify(args).replace(/","/g, '", "');
}

/** `key="value"` for LABEL, with `"` and `\` escaped. */
export function labelPair(key: string, value: string): string {
  return `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export const ins = (keyword: string, value: string): DockerfileInstruction => ({ keyword, value });

/** Renders stages to Dockerfile text. Pure: the same stages always give the same bytes. */
export function renderDockerfile(stages: readonly DockerfileStage[], header: readonly string[] = []): string {
  const out: string[] = header.map(h => `# ${h}`);
  for (const stage of stages) {
    if (out.length > 0) out.push('');
    out.push(...(stage.comment ?? []).map(c => `# ${c}`));
    out.push(`FROM ${stage.from}${stage.name ? ` AS ${stage.name}` : ''}`);
    for (const i of stage.instructions) {
      out.push(`${i.keyword} ${i.value}`);
    }
  }
  return `${out.join('\n')}\n`;
}

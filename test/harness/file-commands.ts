/**
 * The runner's side of the file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE): the same
 * parsing rules as actions/runner's FileCommandManager, so a value that the runner would
 * reject (an unmatched heredoc delimiter, an empty name) fails the test here too.
 */
export function parseKeyValueFile(content: string, fileLabel = 'file command'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  // A trailing newline leaves one empty string at the end; the runner skips empty lines.
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const equalsIndex = line.indexOf('=');
    const heredocIndex = line.indexOf('<<');
    if (equalsIndex >= 0 && (heredocIndex < 0 || equalsIndex < heredocIndex)) {
      const key = line.slice(0, equalsIndex);
      if (key === '') throw new Error(`Invalid format '${line}' in ${fileLabel}: the name must not be empty`);
      result[key] = line.slice(equalsIndex + 1);
    } else if (heredocIndex > 0 && heredocIndex < line.length - 2) {
      const key = line.slice(0, heredocIndex);
      const delimiter = line.slice(heredocIndex + 2);
      const valueLines: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        if (lines[j] === delimiter) break;
        valueLines.push(lines[j] ?? '');
      }
      if (j >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}' in ${fileLabel}`);
      result[key] = valueLines.join('\n');
      i = j;
    } else {
      throw new Error(`Invalid format '${line}' in ${fileLabel}`);
    }
  }
  return result;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%');
}

/** Parses `::command k=v,k=v::data` the way the runner's ActionCommand does; null for plain lines. */
export function parseWorkflowCommand(line: string): WorkflowCommand | null {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith('::')) return null;
  const end = trimmed.indexOf('::', 2);
  if (end < 0) return null;
  const head = trimmed.slice(2, end);
  const data = unescapeData(trimmed.slice(end + 2));
  const space = head.indexOf(' ');
  const command = space < 0 ? head : head.slice(0, space);
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  if (!/^[a-zA-Z-]+$/.test(command)) return null;
  return { command, properties, data };
}

export function toAnnotation(cmd: WorkflowCommand): Annotation | null {
  if (cmd.command !== 'error' && cmd.command !== 'warning' && cmd.command !== 'notice') return null;
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const annotation: Annotation = { level: cmd.command, message: cmd.data };
  const p = cmd.properties;
  if (p.file !== undefined) annotation.file = p.file;
  if (p.line !== undefined) annotation.line = num(p.line);
  if (p.endLine !== undefined) annotation.endLine = num(p.endLine);
  if (p.col !== undefined) annotation.col = num(p.col);
  if (p.endColumn !== undefined) annotation.endColumn = num(p.endColumn);
  if (p.title !== undefined) annotation.title = p.title;
  return annotation;
}

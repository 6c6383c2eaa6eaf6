import { describe, expect, it } from '@jest/globals';
import { parseKeyValueFile, parseWorkflowCommand, toAnnotation } from './file-commands.js';

describe('file commands as the runner parses them', () => {
  it('reads name=value and heredoc values', () => {
    const parsed = parseKeyValueFile('a=1\nb<<EOF_X\nline 1\nline 2\nEOF_X\nc=x=y\n');
    expect(parsed).toEqual({ a: '1', b: 'line 1\nline 2', c: 'x=y' });
  });

  it('reads CRLF files, an empty heredoc, and a later value of a name over an earlier one', () => {
    expect(parseKeyValueFile('a=1\r\nempty<<E\r\nE\r\na=2\r\n')).toEqual({ a: '2', empty: '' });
  });

  it.each([
    ['b<<EOF\nvalue\n', "Matching delimiter not found 'EOF' in GITHUB_OUTPUT"],
    ['=value\n', "Invalid format '=value' in GITHUB_OUTPUT: the name must not be empty"],
    ['no separator\n', "Invalid format 'no separator' in GITHUB_OUTPUT"],
    ['<<EOF\nv\nEOF\n', "Invalid format '<<EOF' in GITHUB_OUTPUT"],
  ])('rejects %j like the runner', (content, message) => {
    expect(() => parseKeyValueFile(content, 'GITHUB_OUTPUT')).toThrow(message);
  });
});

describe('workflow commands as the runner parses them', () => {
  it('unescapes command data and properties', () => {
    expect(parseWorkflowCommand('::error file=a%2Cb.txt,line=3,title=T%3A x::50%25 off%0Ahint')).toEqual({
      command: 'error',
      properties: { file: 'a,b.txt', line: '3', title: 'T: x' },
      data: '50% off\nhint',
    });
  });

  it.each(['plain :: text', '::unterminated', '::bad_name!::x'])('takes %j for a plain line', (line) => {
    expect(parseWorkflowCommand(line)).toBeNull();
  });

  it('turns error, warning and notice commands into annotations, with numbers for positions', () => {
    const command = parseWorkflowCommand(
      '::warning file=p.yaml,line=4,endLine=5,col=2,endColumn=9,title=Lr::too high',
    )!;
    expect(toAnnotation(command)).toEqual({
      level: 'warning',
      message: 'too high',
      file: 'p.yaml',
      line: 4,
      endLine: 5,
      col: 2,
      endColumn: 9,
      title: 'Lr',
    });
    expect(toAnnotation(parseWorkflowCommand('::notice::plain')!)).toEqual({ level: 'notice', message: 'plain' });
    expect(toAnnotation(parseWorkflowCommand('::add-mask::s3cr3t')!)).toBeNull();
  });
});

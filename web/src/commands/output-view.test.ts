import { describe, expect, it } from 'vitest';
import { outputFileName, outputPreview, PREVIEW_CHARS } from './output-view.js';

describe('outputPreview', () => {
  it('shows short output whole', () => {
    expect(outputPreview('a\nb\n', false)).toEqual({ text: 'a\nb\n', hiddenChars: 0, hiddenLines: 0 });
    expect(outputPreview('', false)).toEqual({ text: '', hiddenChars: 0, hiddenLines: 0 });
  });

  it('cuts long output after the last whole line within the limit', () => {
    const text = 'line 1\nline 2\nline 3\nline 4';
    const preview = outputPreview(text, false, 16);
    expect(preview.text).toBe('line 1\nline 2\n');
    expect(preview.hiddenChars).toBe(text.length - preview.text.length);
    expect(preview.hiddenLines).toBe(2);
    expect(preview.text + text.slice(preview.text.length)).toBe(text);
  });

  it('cuts at the limit when the first line is longer than it', () => {
    const preview = outputPreview('x'.repeat(30) + '\n', false, 10);
    expect(preview.text).toBe('x'.repeat(10));
    expect(preview.hiddenChars).toBe(21);
    expect(preview.hiddenLines).toBe(1);
  });

  it('shows everything with showAll, however long', () => {
    const text = 'y\n'.repeat(PREVIEW_CHARS);
    expect(outputPreview(text, true).text).toBe(text);
    const preview = outputPreview(text, false);
    expect(preview.text.length).toBe(PREVIEW_CHARS);
    expect(preview.hiddenLines).toBe(PREVIEW_CHARS / 2);
  });
});

describe('outputFileName', () => {
  it('names the command, node, step and stream with safe characters', () => {
    expect(outputFileName('c-1', 'mi-0123', 'aws:runShellScript', 'stdout')).toBe(
      'c-1-mi-0123-aws_runShellScript.stdout.txt',
    );
    expect(outputFileName('c-1', 'mi-0123', undefined, 'stderr')).toBe('c-1-mi-0123.stderr.txt');
  });
});

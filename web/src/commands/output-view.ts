/**
 * How the console shows a step's full output (Mado.GetCommandInvocationOutput): long output is
 * first shown cut at a line boundary, with "Show all" for the rest and a download of the whole.
 */

/** Characters shown before "Show all": as much as GetCommandInvocation itself would show. */
export const PREVIEW_CHARS = 24_000;

export interface OutputPreview {
  /** The text to show. */
  readonly text: string;
  /** Characters not shown (0 when the whole output is shown). */
  readonly hiddenChars: number;
  /** Lines not shown (a last line without a newline counts). */
  readonly hiddenLines: number;
}

function lineCount(text: string): number {
  if (text === '') {
    return 0;
  }
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/**
 * The part of `text` to show: all of it when `showAll` or when it fits `limit`; otherwise the
 * first `limit` characters, cut after the last whole line within them when there is one.
 */
export function outputPreview(text: string, showAll: boolean, limit: number = PREVIEW_CHARS): OutputPreview {
  if (showAll || text.length <= limit) {
    return { text, hiddenChars: 0, hiddenLines: 0 };
  }
  const lastNewline = text.lastIndexOf('\n', limit - 1);
  const end = lastNewline >= 0 ? lastNewline + 1 : limit;
  const rest = text.slice(end);
  return { text: text.slice(0, end), hiddenChars: rest.length, hiddenLines: lineCount(rest) };
}

/** A file name for a downloaded stream: `<command>-<node>-<step>.<stdout|stderr>.txt`, safe on every OS. */
export function outputFileName(
  commandId: string,
  instanceId: string,
  pluginName: string | undefined,
  stream: 'stdout' | 'stderr',
): string {
  const parts = [commandId, instanceId, ...(pluginName === undefined || pluginName === '' ? [] : [pluginName])];
  return `${parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '_')}.${stream}.txt`;
}

/** Looks up programs on PATH the way a shell would (PATHEXT on Windows). */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) {
      return false;
    }
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `name` in the directories of `pathVariable`, or undefined.
 * On Windows each PATHEXT extension is tried as well (`powershell` → `powershell.exe`).
 */
export function findExecutable(
  name: string,
  pathVariable: string | undefined,
  platform: string = process.platform,
  pathExt: string | undefined = process.env.PATHEXT,
): string | undefined {
  const extensions = platform === 'win32' ? ['', ...(pathExt ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') {
      continue;
    }
    for (const extension of extensions) {
      const candidate = join(dir, `${name}${extension}`);
      if (isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

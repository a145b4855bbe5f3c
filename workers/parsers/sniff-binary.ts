// Names a binary upload Fennel cannot parse ("a PNG image (image/png)"), so the 415 says what
// the file really is.
type FileTypeModule = { fileTypeFromBuffer(b: Uint8Array): Promise<{ ext: string; mime: string } | undefined> };

// file-type exports only an `import` entry. Compiled to CommonJS, `import()` becomes require()
// and fails, so fall back to a native dynamic import TypeScript cannot rewrite; the test
// runner, which has no native import hook, takes the first branch.
const nativeImport = new Function('s', 'return import(s)') as (s: string) => Promise<FileTypeModule>;
let loaded: Promise<FileTypeModule> | undefined;

export async function describeBinary(bytes: Buffer): Promise<string | null> {
  loaded ??= (import('file-type') as Promise<FileTypeModule>).catch(() => nativeImport('file-type'));
  const type = await (await loaded).fileTypeFromBuffer(bytes.subarray(0, 64 * 1024));
  if (!type) return null;
  const kind = type.mime.split('/')[0];
  const noun = kind === 'image' ? 'image' : kind === 'audio' ? 'audio file' : kind === 'video' ? 'video' : 'file';
  return `a ${type.ext.toUpperCase()} ${noun} (${type.mime})`;
}

import { isAscii } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Expands the given paths into manifest files: a file is taken as given (whatever its extension),
 * a directory is walked recursively for .yaml/.yml/.json files. The result is sorted per argument so
 * that the load order, and hence every report, is deterministic.
 */
export function expandManifestPaths(paths: readonly string[]): string[] {
  if (paths.length === 0) {
    throw new InputError('no manifest path given');
  }
  const files: string[] = [];
  for (const given of paths) {
    const stat = statOrThrow(given);
    if (stat.isDirectory()) {
      files.push(...walk(given));
    } else {
      files.push(given);
    }
  }
  return files;
}

function walk(directory: string): string[] {
  const entries = readDirectoryOrThrow(directory).sort((a, b) => compareStrings(a.name, b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      files.push(...walk(full));
    } else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
      files.push(full);
    }
  }
  return files;
}

export function readTextFile(file: string): string {
  try {
    const bytes = fs.readFileSync(file);
    // Manifests are nearly always ASCII, which reads as the same text in latin1, several times faster
    // than UTF-8 decoding (which must validate every byte): ~50 ms on 20 MB.
    return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${reason(error)}`);
  }
}

function statOrThrow(given: string): fs.Stats {
  try {
    return fs.statSync(given);
  } catch (error) {
    throw new InputError(`cannot read ${given}: ${reason(error)}`);
  }
}

function readDirectoryOrThrow(directory: string): fs.Dirent[] {
  try {
    return fs.readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read directory ${directory}: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** Plain code-unit order: locale-independent, so output is the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

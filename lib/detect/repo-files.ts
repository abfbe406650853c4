/** Small, forgiving file readers: a missing or unreadable file is simply "not found". */
import { readFileSync, statSync } from 'node:fs';

export const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** JSON text holding an object, or undefined when it is missing, not JSON or not an object. */
export const parseJsonObject = (text: string | undefined): Record<string, any> | undefined => {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

export const readJson = (file: string): Record<string, any> | undefined => parseJsonObject(readText(file));

export const isDirectory = (file: string): boolean => {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Code-unit order for names and paths. `localeCompare` depends on the machine's ICU locale, and generated
 * output must be byte-identical everywhere.
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const byPath = <T extends { path: string }>(a: T, b: T): number => compareText(a.path, b.path);

/**
 * HCL literals for values phase4 writes into Terraform: a JSON string is almost an HCL string, except that
 * `${` and `%{` start interpolations and directives, which a literal value must escape.
 */
export const hclString = (value: string): string => JSON.stringify(value).replaceAll('${', '$${').replaceAll('%{', '%%{');

export const hclList = (values: readonly string[]): string => `[${values.map(hclString).join(', ')}]`;

/** A map key: bare when it is an identifier, quoted otherwise (`"tags.datadoghq.com/env"`). */
export const hclKey = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : hclString(key));

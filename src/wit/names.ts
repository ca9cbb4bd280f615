// Owns: how WIT's kebab-case names become JavaScript names (lowerCamelCase for functions, fields
// and flags; PascalCase for resources in an implementation object and for generated types).
// Must not: know about the model or generated code.

function words(name: string): string[] {
  return name.split('-').filter((w) => w !== '');
}

function capitalize(word: string): string {
  // An all-uppercase word (`XML`) stays as written; a lowercase one gets a capital.
  return word === word.toUpperCase() ? word : word[0]!.toUpperCase() + word.slice(1);
}

/** `get-all` -> `getAll`, `content-type` -> `contentType`, `XML-parser` -> `xmlParser`. */
export function camelCase(name: string): string {
  const [first = '', ...rest] = words(name);
  return first.toLowerCase() + rest.map(capitalize).join('');
}

/** `blob-store` -> `BlobStore`, `parse-XML` -> `ParseXML`. */
export function pascalCase(name: string): string {
  return words(name).map(capitalize).join('');
}

/** A source's registry name: a lower-case slug, safe in lake keys, state keys and metric dimensions. */
export const SOURCE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

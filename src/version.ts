/**
 * The frontend's version; the server extension must report the same one.
 * A test checks it against package.json, the single source of the version.
 */
export const VERSION = '0.1.0';

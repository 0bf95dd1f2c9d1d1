/**
 * The server's table of distribution metadata (`GET overlays/providers`),
 * asked only for the import names nothing else resolved, and kept per name:
 * a name is asked once, found or not. A failed request keeps nothing, so the
 * names are asked again next time; until then they resolve to themselves.
 */

/** Names per request (the server takes at most 200). */
const BATCH = 100;

export class ProviderLookup {
  /**
   * @param ask - the request: module names → `{module: distribution}` for
   *   the ones the table knows.
   */
  constructor(ask: (modules: string[]) => Promise<Record<string, string>>) {
    this._ask = ask;
  }

  /**
   * The distributions of those `modules` the table knows.
   */
  async lookup(modules: Iterable<string>): Promise<Record<string, string>> {
    const wanted = [...new Set(modules)];
    const missing = wanted.filter(name => !this._known.has(name));
    for (let start = 0; start < missing.length; start += BATCH) {
      const batch = missing.slice(start, start + BATCH);
      let found: Record<string, string>;
      try {
        found = await this._ask(batch);
      } catch {
        break; // offline or an older server: the names stay as they are
      }
      for (const name of batch) {
        const provider = Object.prototype.hasOwnProperty.call(found, name)
          ? found[name]
          : null;
        this._known.set(name, typeof provider === 'string' ? provider : null);
      }
    }
    const result: Record<string, string> = {};
    for (const name of wanted) {
      const provider = this._known.get(name);
      if (provider) {
        result[name] = provider;
      }
    }
    return result;
  }

  private _ask: (modules: string[]) => Promise<Record<string, string>>;
  private _known = new Map<string, string | null>();
}

import { ProviderLookup } from '../providers';

describe('ProviderLookup', () => {
  it('asks once per name, found or not, and answers only the found', async () => {
    const asked: string[][] = [];
    const lookup = new ProviderLookup(
      async (modules): Promise<Record<string, string>> => {
        asked.push(modules);
        return modules.includes('sksurv') ? { sksurv: 'scikit-survival' } : {};
      }
    );
    expect(await lookup.lookup(['sksurv', 'tqdm', 'sksurv'])).toEqual({
      sksurv: 'scikit-survival'
    });
    expect(await lookup.lookup(['tqdm', 'sksurv'])).toEqual({
      sksurv: 'scikit-survival'
    });
    expect(asked).toEqual([['sksurv', 'tqdm']]);
  });

  it('keeps nothing from a failed request and asks again next time', async () => {
    let online = false;
    const lookup = new ProviderLookup(async () => {
      if (!online) {
        throw new Error('offline');
      }
      return { causallearn: 'causal-learn' };
    });
    expect(await lookup.lookup(['causallearn'])).toEqual({});
    online = true;
    expect(await lookup.lookup(['causallearn'])).toEqual({
      causallearn: 'causal-learn'
    });
  });

  it('asks in batches the server takes', async () => {
    const sizes: number[] = [];
    const lookup = new ProviderLookup(async modules => {
      sizes.push(modules.length);
      return {};
    });
    await lookup.lookup(Array.from({ length: 250 }, (_, i) => `m${i}`));
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('does not take a prototype property for an answer', async () => {
    const lookup = new ProviderLookup(async () => ({}));
    expect(await lookup.lookup(['constructor', 'toString'])).toEqual({});
  });
});

import { readFileSync } from 'fs';
import { join } from 'path';

import { requirementsFromNotebook } from '..';

const DEMO = join(__dirname, '..', '..', '..', 'demo', 'notebooks');

function demo(name: string) {
  const notebook = JSON.parse(
    readFileSync(join(DEMO, `${name}.ipynb`), 'utf-8')
  );
  return requirementsFromNotebook(notebook, {
    localModules: ['pipeline_utils']
  });
}

describe('the demo notebooks', () => {
  it('download_dataset needs requests (from %pip), tqdm and python-dotenv', () => {
    const requirements = demo('download_dataset');
    expect(requirements.map(r => [r.name, r.specifier, r.source])).toEqual([
      ['python-dotenv', '*', 'table'],
      ['requests', '>=2.31', 'pip-magic'],
      ['tqdm', '*', 'identity']
    ]);
  });

  it('preprocess_dataset maps sklearn and yaml to their distributions', () => {
    const requirements = demo('preprocess_dataset');
    expect(requirements.map(r => r.name)).toEqual([
      'numpy',
      'pandas',
      'pyyaml',
      'scikit-learn'
    ]);
    const sklearn = requirements.find(r => r.name === 'scikit-learn')!;
    expect(sklearn.modules).toEqual(['sklearn']);
    expect(sklearn.source).toBe('table');
  });

  it('train_model marks mlflow optional and reads the %%time cell', () => {
    const requirements = demo('train_model');
    expect(requirements.map(r => [r.name, r.optional])).toEqual([
      ['joblib', false],
      ['matplotlib', false],
      ['mlflow', true],
      ['pandas', false],
      ['scikit-learn', false]
    ]);
  });
});

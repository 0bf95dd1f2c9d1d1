import { TranslationBundle } from '@jupyterlab/translation';

import { MAX_NAME_LENGTH, NameProblem } from '../overlay/names';

/**
 * What to tell the user about an overlay name that is refused.
 */
export function nameProblemMessage(
  trans: TranslationBundle,
  name: string,
  problem: NameProblem
): string {
  switch (problem) {
    case 'empty':
      return trans.__('An overlay needs a name.');
    case 'reserved':
    case 'characters':
      return trans.__(
        '"%1" is not a valid overlay name: use only letters, digits, "-" and "_".',
        name
      );
    case 'separators':
      return trans.__(
        '"%1" is not a valid overlay name: start and end with a letter or digit, and put a single "-", "_" or "__" between words.',
        name
      );
    case 'too-long':
      return trans.__(
        'The name is too long: overlay names have at most %1 characters.',
        MAX_NAME_LENGTH
      );
    case 'taken':
      return trans.__('There is already an overlay named "%1".', name);
  }
}

import { TranslationBundle } from '@jupyterlab/translation';

import type { IConfigFinding } from '../overlay/configChecks';
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

/**
 * A finding of `.thoth.yaml` / `.aicoe-ci.yaml` in words: what is missing and
 * which tool needs it.
 */
export function configFindingMessage(
  trans: TranslationBundle,
  finding: IConfigFinding
): string {
  const { key, overlay, value } = finding;
  switch (finding.kind) {
    case 'unreadable':
      return trans.__('It is not YAML the tools can read: %1', value ?? '');
    case 'not-listed':
      return trans.__('"%1" has no entry here.', overlay ?? '');
    case 'placeholder':
      return overlay
        ? trans.__(
            '%1 of "%2" is "%3", an example: AICoE CI cannot push with it.',
            key ?? '',
            overlay,
            value ?? ''
          )
        : trans.__('%1 is "%2", an example.', key ?? '', value ?? '');
    case 'missing-key':
      if (key === 'host') {
        return trans.__('No host: thamos cannot ask Thoth for advice.');
      }
      if (key === 'managers') {
        return trans.__(
          'No managers: Kebechet will not update the overlays\' locks (add e.g. "- name: update").'
        );
      }
      if (key === 'check: overlays-build') {
        return trans.__(
          'check does not list overlays-build: AICoE CI builds no overlay image.'
        );
      }
      return trans.__(
        'No %1 for "%2": AICoE CI cannot push its image.',
        key ?? '',
        overlay ?? ''
      );
  }
}

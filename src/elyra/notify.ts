import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import type { OverlaysAPI } from '../tokens';

/**
 * What a notification says about a runtime image registration; null when
 * there is nothing to say (unchanged).
 */
export function registrationMessage(
  registration: OverlaysAPI.IRegistration,
  trans: TranslationBundle
): string | null {
  const where =
    registration.store === 'elyra'
      ? trans.__('in Elyra')
      : trans.__('for Elyra (Elyra will list it once installed)');
  switch (registration.outcome) {
    case 'created':
      return trans.__(
        'Registered %1 as the runtime image %2 %3',
        registration.image ?? '',
        registration.name,
        where
      );
    case 'updated':
      return trans.__(
        'The runtime image %1 now names %2',
        registration.name,
        registration.image ?? ''
      );
    case 'removed':
      return trans.__('Removed the runtime image %1', registration.name);
    case 'failed':
      return trans.__(
        'The Elyra runtime image %1 could not be updated: %2',
        registration.name,
        registration.error ?? ''
      );
    default:
      return null;
  }
}

/**
 * Say what happened to a runtime image: failures stay until closed.
 */
export function notifyRegistration(
  registration: OverlaysAPI.IRegistration,
  trans: TranslationBundle
): void {
  const message = registrationMessage(registration, trans);
  if (message === null) {
    return;
  }
  if (registration.outcome === 'failed') {
    Notification.error(message, { autoClose: false });
  } else {
    Notification.info(message, { autoClose: 5000 });
  }
}

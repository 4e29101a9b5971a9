/** A failed request as words for the desk: the server's codes have translations, the rest keep
 * the server's own (English) message. */

import { t, tMaybe } from '../../app/i18n';
import { ApiError } from '../../data/api';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.kind === 'network') return t('board.error.network');
    return tMaybe(`code.${err.code}`, err.message);
  }
  return err instanceof Error ? err.message : String(err);
}

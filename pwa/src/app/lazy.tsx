/** Code-split screens: a feature folder's default export loads on first visit. The service
 * worker precaches every chunk, so a lazy screen opens offline too. */

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';

/** What a screen receives: the parameters of its path (/wo/:id → { id }). */
export interface RouteProps {
  params: Record<string, string>;
}

export type RouteView = ComponentType<RouteProps>;

export function lazyView(load: () => Promise<{ default: RouteView }>): RouteView {
  let loaded: RouteView | null = null;
  let pending: Promise<void> | null = null;
  return function Lazy(props: RouteProps) {
    const [, setReady] = useState(loaded !== null);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      pending ??= load().then((m) => {
        loaded = m.default;
      });
      pending.then(
        () => setReady(true),
        () => {
          pending = null;
          setFailed(true);
        },
      );
    }, []);
    if (failed) return <p class="error">{t('common.loadFailed')}</p>;
    if (!loaded) return <p class="empty">{t('common.loading')}</p>;
    const View = loaded;
    return <View {...props} />;
  };
}

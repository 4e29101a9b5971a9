/** Settings: language, storage, app update, who is signed in, sign-out. */

import { useEffect } from 'preact/hooks';
import { LOCALES, type Locale, locale, setLocale, t } from '../../app/i18n';
import { navigate } from '../../app/router';
import { updateStream } from '../../app/scheduler';
import { session } from '../../app/services';
import { checkStorage, storageInfo } from '../../app/storage';
import { applyUpdate, updateReady } from '../../app/sw-register';

const LANGUAGE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };

function mb(bytes: number | null): string {
  return bytes === null ? '?' : (bytes / 1024 / 1024).toFixed(1);
}

export default function Settings() {
  useEffect(() => void checkStorage(), []);
  const s = session.current.value;
  const storage = storageInfo.value;
  return (
    <div class="page">
      <h1>{t('settings.title')}</h1>
      <section class="section">
        <h2>{t('settings.language')}</h2>
        <div class="row wrap" role="radiogroup">
          {LOCALES.map((l) => (
            // The language names stay in their own language so anyone can find theirs.
            <button key={l} type="button" role="radio" aria-checked={locale.value === l} class={`btn ${locale.value === l ? 'primary' : ''}`} onClick={() => setLocale(l)}>
              {LANGUAGE_NAMES[l]}
            </button>
          ))}
        </div>
      </section>
      <section class="section">
        <h2>{t('settings.storage')}</h2>
        <p>{t('settings.storageUse', { used: mb(storage.usage), quota: mb(storage.quota) })}</p>
        <p class={storage.persisted ? 'ok' : 'muted'}>{t(storage.persisted ? 'settings.persisted' : 'settings.notPersisted')}</p>
        {storage.low && <p class="error">{t('storage.low')}</p>}
      </section>
      <section class="section">
        <h2>{t('settings.app')}</h2>
        {updateReady.value ? (
          <button type="button" class="btn primary" onClick={applyUpdate}>
            {t('settings.update')}
          </button>
        ) : (
          <p class="muted">{t('settings.upToDate')}</p>
        )}
      </section>
      {s && (
        <section class="section">
          <h2>{t('settings.account')}</h2>
          <p>{t('settings.signedInAs', { name: s.user.displayName || s.user.username })}</p>
          <p class="muted small">{t('settings.device', { id: s.deviceId.slice(0, 8) })}</p>
          <p class="hint">{t('settings.logoutHint')}</p>
          <button
            type="button"
            class="btn danger"
            onClick={() =>
              void session.logout().then(() => {
                updateStream();
                navigate('/login', { replace: true });
              })
            }
          >
            {t('settings.logout')}
          </button>
        </section>
      )}
    </div>
  );
}

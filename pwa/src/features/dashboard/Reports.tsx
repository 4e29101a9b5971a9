/** The monthly report (PDF for the customer, CSV for a spreadsheet). The server builds it on
 * request (`generateMonthlyReport`) and returns both files; they are offered as downloads. */

import { useEffect, useState } from 'preact/hooks';
import { LOCALES, locale, t } from '../../app/i18n';
import { api } from '../../app/services';
import { errorText } from '../board/errors';
import { dateIn } from '../board/time';
import { type MonthlyFiles, generateMonthly, pdfBlob, previousMonth } from './query';

interface Ready {
  files: MonthlyFiles;
  pdfUrl: string;
  csvUrl: string;
}

export function Reports({ tz }: { tz: string }) {
  const [month, setMonth] = useState(() => previousMonth(dateIn(Date.now(), tz)));
  const [lang, setLang] = useState<string>(locale.value);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [ready, setReady] = useState<Ready | null>(null);

  // Object URLs hold the files in memory until revoked.
  useEffect(
    () => () => {
      if (ready) {
        URL.revokeObjectURL(ready.pdfUrl);
        URL.revokeObjectURL(ready.csvUrl);
      }
    },
    [ready],
  );

  const build = async (): Promise<void> => {
    setBusy(true);
    setError('');
    setReady(null);
    try {
      const files = await generateMonthly(api, month, lang);
      setReady({
        files,
        pdfUrl: URL.createObjectURL(pdfBlob(files.pdfBase64)),
        // The server's CSV starts with the byte-order mark Excel needs; keep it as is.
        csvUrl: URL.createObjectURL(new Blob([files.csv], { type: 'text/csv;charset=utf-8' })),
      });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel reports" aria-labelledby="reports-title">
      <h2 id="reports-title">{t('dashboard.monthly')}</h2>
      <form
        class="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          void build();
        }}
      >
        <label class="field" for="rp-month">
          <span>{t('dashboard.month')}</span>
          <input id="rp-month" type="month" required value={month} onChange={(e) => setMonth(e.currentTarget.value)} />
        </label>
        <label class="field" for="rp-lang">
          <span>{t('dashboard.language')}</span>
          <select id="rp-lang" value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {t(`dashboard.lang.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="btn primary" disabled={busy || !month}>
          {busy ? t('dashboard.building') : t('dashboard.build')}
        </button>
      </form>
      {error && <p class="error">{error}</p>}
      {ready && (
        <p class="row wrap" role="status">
          <a class="btn" href={ready.pdfUrl} download={ready.files.pdfFilename}>
            {t('dashboard.downloadPdf')}
          </a>
          <a class="btn" href={ready.csvUrl} download={ready.files.csvFilename}>
            {t('dashboard.downloadCsv')}
          </a>
        </p>
      )}
    </section>
  );
}

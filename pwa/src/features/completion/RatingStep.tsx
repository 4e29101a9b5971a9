/** The customer rates the visit, 1 to 5, with an optional comment; or declines to. A rating is
 * fixed once the server has it, so it is written only on an explicit tap. */

import { useState } from 'preact/hooks';
import { t } from '../../app/i18n';
import { db } from '../../app/services';
import { saveRating } from './data';
import { MAX_COMMENT, ratingProblem } from './records';

export function RatingStep({ workOrderId, onDone }: { workOrderId: string; onDone: () => void }) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const problem = score === null ? null : ratingProblem(score, comment);

  const save = async (): Promise<void> => {
    if (score === null || ratingProblem(score, comment)) return;
    setBusy(true);
    try {
      await saveRating(db, workOrderId, score, comment);
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel">
      <h2>{t('completion.rateTitle')}</h2>
      <p class="hint">{t('completion.rateHint')}</p>
      <div class="stars" role="radiogroup" aria-label={t('completion.rateTitle')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={score === n}
            aria-label={t('completion.stars', { n })}
            class={`star ${score !== null && n <= score ? 'on' : ''}`}
            onClick={() => setScore(n)}
          >
            ★
          </button>
        ))}
      </div>
      <label class="field">
        <span>{t('completion.comment')}</span>
        <textarea rows={3} maxLength={MAX_COMMENT} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </label>
      {problem === 'commentTooLong' && <p class="error">{t('completion.commentTooLong')}</p>}
      <div class="actions">
        <button type="button" class="btn primary big" disabled={busy || score === null || problem !== null} onClick={() => void save()}>
          {t('completion.rateSave')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={onDone}>
          {t('completion.rateSkip')}
        </button>
      </div>
    </div>
  );
}

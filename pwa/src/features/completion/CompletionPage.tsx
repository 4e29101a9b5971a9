/** Finishing a visit with the customer: the summary of what was done, the customer tries the
 * service, signs on the screen, rates the visit. Everything is written to the device first and
 * synced later; the server moves the order to customer_signed when the signature arrives. */

import { useState } from 'preact/hooks';
import { formatDateTime, t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLiveState } from '../../app/live';
import { db } from '../../app/services';
import { Empty, Loading, StatusChip } from '../../app/ui';
import { type Completion, SIGNABLE, loadCompletion } from './data';
import { RatingStep } from './RatingStep';
import { consentLanguage } from './records';
import { SignStep } from './SignStep';
import { Summary } from './Summary';
import './completion.css';

type Step = 'summary' | 'tested' | 'sign' | 'rate' | 'done';

function resumeAt(c: Completion): Step {
  if (!c.signature) return 'summary';
  return c.rating ? 'done' : 'rate';
}

function Tested({ confirmedInChecklist, onNext }: { confirmedInChecklist: boolean; onNext: () => void }) {
  const [tried, setTried] = useState(confirmedInChecklist);
  return (
    <div class="panel">
      <h2>{t('completion.testedTitle')}</h2>
      <p>{t('completion.testedHint')}</p>
      {confirmedInChecklist && <p class="ok">{t('completion.testedInChecklist')}</p>}
      <label class="check">
        <input type="checkbox" checked={tried} onChange={(e) => setTried(e.currentTarget.checked)} />
        <span>{t('completion.testedConfirm')}</span>
      </label>
      <button type="button" class="btn primary big" disabled={!tried} onClick={onNext}>
        {t('completion.toSign')}
      </button>
    </div>
  );
}

function Done({ c }: { c: Completion }) {
  const s = c.signature;
  return (
    <div class="panel">
      <h2>{t('completion.doneTitle')}</h2>
      {s && (
        <p>
          {t('completion.signedBy', { name: String(s.signerName ?? ''), time: formatDateTime(String(s.signedAt ?? '')) })}
          {s.version === 0 && <span class="chip waiting"> {t('wo.notSentYet')}</span>}
        </p>
      )}
      {s && s.hashMatches === false && <p class="error">{t('completion.hashMismatch')}</p>}
      {c.rating && <p>{t('completion.ratedWith', { n: Number(c.rating.score ?? 0) })}</p>}
      {c.order.status === 'work_done' && <p class="hint">{t('completion.doneHintPending')}</p>}
      <p class="hint">{t('completion.doneHintLeave')}</p>
      <div class="actions">
        <a class="btn primary big" href="/">
          {t('nav.today')}
        </a>
        <a class="btn" href={`/wo/${encodeURIComponent(c.order.id)}`}>
          {t('completion.backToOrder')}
        </a>
      </div>
    </div>
  );
}

export default function CompletionPage({ params }: RouteProps) {
  const id = params.id ?? '';
  const { ready, value } = useLiveState(() => loadCompletion(db, id), [id]);
  const [step, setStep] = useState<Step | null>(null);
  if (!ready) return <Loading />;
  if (!value) return <Empty>{t('wo.notOnDevice')}</Empty>;
  const c = value;
  const current = step ?? resumeAt(c);
  const signable = SIGNABLE.has(c.order.status);
  const signerName = c.customer?.kind === 'business' ? (c.site?.contactName ?? '') : (c.customer?.name ?? c.site?.contactName ?? '');

  return (
    <div class="page completion">
      <div class="row spread">
        <h1>{t('completion.title', { number: c.order.number })}</h1>
        <StatusChip status={c.order.status} />
      </div>
      {!signable && current !== 'done' ? (
        <div class="panel">
          <p class="error">{t('completion.notDoneYet')}</p>
          <a class="btn" href={`/wo/${encodeURIComponent(c.order.id)}`}>
            {t('completion.backToOrder')}
          </a>
        </div>
      ) : current === 'summary' ? (
        <Summary c={c} onNext={() => setStep('tested')} />
      ) : current === 'tested' ? (
        <Tested confirmedInChecklist={c.checklist?.tested ?? false} onNext={() => setStep('sign')} />
      ) : current === 'sign' ? (
        <SignStep workOrderId={c.order.id} defaults={{ name: signerName, language: consentLanguage(c.customer?.language) }} onSigned={() => setStep('rate')} />
      ) : current === 'rate' && !c.rating ? (
        <RatingStep workOrderId={c.order.id} onDone={() => setStep('done')} />
      ) : (
        <Done c={c} />
      )}
      {current === 'done' && c.signature && signable && (
        <button type="button" class="btn" onClick={() => setStep('summary')}>
          {t('completion.signAgain')}
        </button>
      )}
    </div>
  );
}

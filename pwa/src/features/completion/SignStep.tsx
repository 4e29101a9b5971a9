/** The customer signs: who signs (name, relation), the consent text in the signer's language,
 * the drawing, then one tap stores it on the device and queues it. The position is asked for
 * when the step opens and never waited for: a signature without one is still valid. */

import { useEffect, useRef, useState } from 'preact/hooks';
import { type MessageKey, t } from '../../app/i18n';
import { db } from '../../app/services';
import { saveSignature } from './data';
import { CONSENT, type ConsentLanguage, type Position, RELATIONS, type SignatureProblem, type SignerRelation, signatureProblem } from './records';
import { type PadHandle, SignatureCanvas } from './SignatureCanvas';

const POSITION_WAIT_MS = 8_000;

function usePosition(): { current: Position | null } {
  const position = useRef<Position | null>(null);
  useEffect(() => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(
      (p) => {
        position.current = { latitude: p.coords.latitude, longitude: p.coords.longitude, accuracyM: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null };
      },
      () => undefined, // refused or unavailable: signed without a position
      { enableHighAccuracy: false, timeout: POSITION_WAIT_MS, maximumAge: 300_000 },
    );
  }, []);
  return position;
}

export interface SignDefaults {
  name: string;
  language: ConsentLanguage;
}

export function SignStep({ workOrderId, defaults, onSigned }: { workOrderId: string; defaults: SignDefaults; onSigned: () => void }) {
  const [name, setName] = useState(defaults.name);
  const [relation, setRelation] = useState<SignerRelation>('customer');
  const [language, setLanguage] = useState<ConsentLanguage>(defaults.language);
  const [hasInk, setHasInk] = useState(false);
  const [problem, setProblem] = useState<SignatureProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const pad = useRef<PadHandle | null>(null);
  const position = usePosition();

  const sign = async (): Promise<void> => {
    const handle = pad.current;
    if (!handle) return;
    const { width, height } = handle.size();
    const input = {
      workOrderId,
      strokes: handle.strokes(),
      canvasWidth: width,
      canvasHeight: height,
      signerName: name,
      signerRelation: relation,
      language,
      position: position.current,
    };
    // The hash is checked after it is computed; everything else before anything is written.
    const found = signatureProblem({ ...input, signedAt: '', contentHash: '0'.repeat(64) });
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      await saveSignature(db, input);
      onSigned();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel">
      <h2>{t('completion.signTitle')}</h2>
      <label class="field">
        <span>{t('completion.signerName')}</span>
        <input value={name} maxLength={100} autoComplete="off" onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t('completion.relation')}</span>
        <select value={relation} onChange={(e) => setRelation(e.currentTarget.value as SignerRelation)}>
          {RELATIONS.map((r) => (
            <option key={r} value={r}>
              {t(`completion.relation.${r}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <div class="row wrap" role="group" aria-label={t('completion.consentLanguage')}>
        <span class="small muted">{t('completion.consentLanguage')}</span>
        {(['zh-CN', 'en'] as const).map((l) => (
          <button key={l} type="button" class={`btn small ${language === l ? 'primary' : ''}`} aria-pressed={language === l} onClick={() => setLanguage(l)}>
            {l === 'zh-CN' ? '中文' : 'English'}
          </button>
        ))}
      </div>
      <p class="consent" lang={language}>
        {CONSENT[language].text}
      </p>
      <SignatureCanvas handle={pad} onChange={setHasInk} />
      {problem && <p class="error">{t(`completion.problem.${problem}` as MessageKey)}</p>}
      <button type="button" class="btn primary big" disabled={busy || !hasInk || !name.trim()} onClick={() => void sign()}>
        {t('completion.signConfirm')}
      </button>
    </div>
  );
}

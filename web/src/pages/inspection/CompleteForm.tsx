import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useExplain } from '../../errors.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';

/** The inspection's result: outcome, attended or not, a corrected value for a discrepancy, the disposition. */
export function CompleteForm({ taskId, onDone }: { taskId: string; onDone: () => void }) {
  const { t } = useI18n();
  const ot = useOt();
  const [outcome, setOutcome] = useState('MATCH');
  const [attended, setAttended] = useState(false);
  const [disposition, setDisposition] = useState('RELEASE');
  const [line, setLine] = useState('0');
  const [value, setValue] = useState('');
  const complete = useMutation({
    mutationFn: () => {
      const corrections = outcome === 'MATCH' || !value ? undefined : [{ lineIndex: Number(line), valueCny: value }];
      return api('POST', `/api/v1/inspection/tasks/${taskId}/complete`, {
        outcome,
        attended,
        disposition,
        ...(corrections ? { corrections } : {}),
      });
    },
    onSuccess: onDone,
  });
  const explained = useExplain(complete.error);
  const err = (path: string) => explained?.at(path).join(' ') ?? '';
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate();
      }}
    >
      <h2>{t('inspection.outcome')}</h2>
      {complete.error && <ErrorBox error={complete.error} fieldsShown={['corrections', 'disposition']} />}
      <label>
        {t('inspection.outcome')}
        <select data-testid="task-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="MATCH">{t('inspection.MATCH')}</option>
          <option value="DISCREPANCY">{t('inspection.DISCREPANCY')}</option>
          <option value="SEIZURE">{t('inspection.SEIZURE')}</option>
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="task-attended"
          checked={attended}
          onChange={(e) => setAttended(e.target.checked)}
        />
        {t('inspection.attended')}
      </label>
      {outcome !== 'MATCH' && (
        <fieldset>
          <legend>{t('inspection.correction')}</legend>
          <label>
            {ot('insp.lineIndex')}
            <input data-testid="task-correction-line" value={line} onChange={(e) => setLine(e.target.value)} />
          </label>
          <label>
            {ot('insp.correctedValue')}
            <input
              data-testid="task-correction-value"
              inputMode="decimal"
              value={value}
              aria-invalid={err('corrections') ? true : undefined}
              onChange={(e) => setValue(e.target.value)}
            />
          </label>
          <div className="field-error" data-testid="task-corrections-error">
            {err('corrections')}
          </div>
        </fieldset>
      )}
      <label>
        {ot('insp.disposition')}
        <select data-testid="task-disposition" value={disposition} onChange={(e) => setDisposition(e.target.value)}>
          <option value="RELEASE">{t('inspection.RELEASE')}</option>
          <option value="KEEP">{t('inspection.KEEP')}</option>
        </select>
      </label>
      <div className="field-error" data-testid="task-disposition-error">
        {err('disposition')}
      </div>
      <button type="submit" className="primary" data-testid="task-complete" disabled={complete.isPending}>
        {t('inspection.complete')}
      </button>
    </form>
  );
}
